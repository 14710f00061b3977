// Parses many DUIS documents with @smartdcc/duis-parser in one process.
// Input (stdin): a JSON array of file paths. Output (stdout): a JSON array, one object per
// file: {parsed, error, guards: {name: boolean}, requestId, bodyKeys}.
'use strict';

const fs = require('fs');
const parser = require('@smartdcc/duis-parser');

const RESPONSE_MESSAGE_TYPES = [
  'CINMessage', 'DSPInventory', 'DSPOptIn', 'DSPSchedulesRead', 'DSPScheduledMessage',
  'DSPScheduleID', 'DSPUpdateFirmwareWarning', 'DSPUpdatePPMIDFirmwareWarning', 'DSPWANMatrix',
  'FutureDatedDeviceAlertMessage', 'GBCSPayload', 'LocalCommand', 'PreCommand', 'NoBody',
];

// Guards on the whole parsed document.
const GUARDS = ['isSimplifiedDuisOutput', 'isSimplifiedDuisOutputRequest', 'isSimplifiedDuisOutputResponse'];

// Guards on its body.
const BODY_GUARDS = [
  'isSimplifiedDuisResponseBody',
  'isSimplifiedDuisResponseBody_ResponseMessage',
  'isSimplifiedDuisResponseBody_DeviceAlertMessage',
  'isSimplifiedDuisResponseBody_DCCAlertMessage',
];

// A guard this version of the package does not export is left out, not reported false.
function exported(name) {
  return typeof parser[name] === 'function';
}

function plain(value) {
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
}

function verdict(path) {
  let simplified;
  try {
    simplified = parser.parseDuis('simplified', fs.readFileSync(path));
  } catch (e) {
    return { parsed: false, error: String(e && e.message ? e.message : e), guards: {} };
  }
  const guards = {};
  for (const name of GUARDS.filter(exported)) {
    guards[name] = Boolean(parser[name](simplified));
  }
  const body = simplified && simplified.body;
  for (const name of BODY_GUARDS.filter(exported)) {
    guards[name] = Boolean(parser[name](body));
  }
  for (const type of RESPONSE_MESSAGE_TYPES) {
    guards['isSimplifiedDuisResponseBody_ResponseMessage_X:' + type] =
      Boolean(parser.isSimplifiedDuisResponseBody_ResponseMessage_X(type, body));
  }
  const header = (simplified && simplified.header) || {};
  return {
    parsed: true,
    error: null,
    guards,
    requestId: header.requestId === undefined ? null : plain(header.requestId),
    bodyKeys: body && typeof body === 'object' ? Object.keys(body) : [],
  };
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const paths = JSON.parse(input);
  process.stdout.write(JSON.stringify(paths.map(verdict)));
});
