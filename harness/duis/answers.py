"""The DUIS 5.4 / MMC 5.4 body the DSP sends for each answer, chosen by who answered, the
device generation and the SRV (docs/duis.md, "Responses").

- The DSP itself (validation errors, acknowledgements, transforms, non-device SRVs):
  ``sr:ResponseMessage`` (``PreCommand`` for a CV 4, ``DSPInventory`` for 8.2).
- A SMETS2 device: ``sr:ResponseMessage/GBCSPayload`` with a ``ResponseID``; the outcome
  travels inside the GBCS payload.
- A SMETS1 device, through its S1SP: ``sr:SMETS1ResponseMessage`` holding an
  ``SMETS1SignedResponse`` signed by the S1SP, whose MMC payload (``ra:``) carries the
  outcome; the execution outcome of a future-dated 6.15.1 / 6.23 is a device alert
  (``UpdateSecurityCredentialsDeviceAlert``).
- An S1SP refusal: ``sr:DCCAlertMessage`` with ``S1SPAlertDSP/S1SPAlert`` (codes from
  ``harness/catalogue/response_codes.yaml``).

The per-SRV MMC payloads are one table (:data:`SMETS1_PAYLOADS`), keyed by SRV.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from harness.domain.devices import Generation
from harness.domain.eui import Eui64
from harness.domain.requests import Outcome, Response
from harness.duis.annotation import Annotation, write_annotation
from harness.duis.lexical import write_base64, write_datetime, write_free_text
from harness.duis.mmc import (
    S1SP_ALERT_CODE,
    S1SP_ALERT_DCC_CODE,
    Smets1Payload,
    future_dated_alert_tree,
    smets1_payload_tree,
)
from harness.duis.names import GBCS_VERSION, SCHEMA_VERSION, SR_NS, sr
from harness.duis.tree import add, new_root
from harness.duis.xml_signer import XmlSigner


@dataclass(frozen=True)
class InventoryRow:
    """One device as 8.2 reports it."""

    device_id: Eui64
    device_type: str
    status: str


@dataclass(frozen=True)
class Answering:
    """What the DSP knows about the request an answer belongs to."""

    srv: str
    device_id: Eui64 | None = None
    generation: Generation | None = None
    future_dated: bool = False  # the request's execution time was after its arrival
    inventory: tuple[InventoryRow, ...] = ()
    explain: bool = False  # add the harness's <?dsp-conformance?> explanation


@dataclass(frozen=True)
class _Draft:
    response: Response
    when: datetime
    context: Answering
    s1sp: XmlSigner | None


def encode_answer(
    response: Response, when: datetime, context: Answering, s1sp: XmlSigner | None
) -> bytes:
    """The unsigned ``sr:Response`` for ``response`` (a SMETS1 payload inside is already
    signed by ``s1sp``), serialised without insignificant whitespace."""
    root = answer_tree(response, when, context, s1sp)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def answer_tree(
    response: Response, when: datetime, context: Answering, s1sp: XmlSigner | None
) -> etree._Element:
    """:func:`encode_answer` before it is serialised (to be signed as it is)."""
    draft = _Draft(response, when, context, s1sp)
    return _ANSWERERS.get(response.answered_by, _dsp_answer)(draft)


# -- the DSP's own answers -----------------------------------------------------------------
def _dsp_answer(draft: _Draft) -> etree._Element:
    response = draft.response
    root, message = _response_message(draft, device_answered=False)
    if response.pre_command is not None:
        pre_command = add(message, "PreCommand")
        add(pre_command, "GBCSVersion", GBCS_VERSION)
        add(pre_command, "GBCSPayload", write_base64(response.pre_command))
    elif response.outcome is Outcome.COMPLETED and draft.context.inventory:
        inventory = add(message, "DSPInventory")
        for row in draft.context.inventory:
            device = add(inventory, "Device")
            add(device, "DeviceID", str(row.device_id))
            add(device, "DeviceType", row.device_type)
            add(device, "DeviceStatus", row.status)
            add(device, "DeviceManufacturer", "0000")
            add(device, "DeviceModel", "0000")
    _explain(draft, message)
    return root


def _response_message(
    draft: _Draft, *, device_answered: bool
) -> tuple[etree._Element, etree._Element]:
    response = draft.response
    root = new_root("Response")
    header = add(root, "Header")
    add(header, "RequestID", str(response.request_id))
    if device_answered:
        add(header, "ResponseID", response.request_id.response_id())
    add(header, "ResponseCode", response.code)
    add(header, "ResponseDateTime", write_datetime(draft.when))
    message = add(add(root, "Body"), "ResponseMessage")
    add(message, "ServiceReference", _service_reference(draft.context.srv))
    add(message, "ServiceReferenceVariant", draft.context.srv)
    return root, message


# -- the device's answers ------------------------------------------------------------------
def _device_answer(draft: _Draft) -> etree._Element:
    generation = draft.context.generation or Generation.SMETS2
    return _BY_GENERATION[generation](draft)


def _smets2_answer(draft: _Draft) -> etree._Element:
    """A SMETS2 device's GBCS response, passed on by the DSP as it is."""
    root, message = _response_message(draft, device_answered=True)
    add(message, "GBCSPayload", write_base64(_gbcs_stand_in(draft)))
    _explain(draft, message)
    return root


def _gbcs_stand_in(draft: _Draft) -> bytes:
    """The reference models devices, not GBCS: its device answers carry a stand-in payload
    (which is why the harness never reads an outcome from a GBCS payload)."""
    return f"GBCS response (stand-in) to {draft.response.request_id}".encode()


def _smets1_answer(draft: _Draft) -> etree._Element:
    """``SMETS1ResponseMessage``: the S1SP's signed MMC answer for the device."""
    if draft.s1sp is None:
        raise ValueError("a SMETS1 answer needs the S1SP's XML-signing identity")
    response, context = draft.response, draft.context
    final_of_future = context.future_dated and response.outcome is not Outcome.SCHEDULED
    payload = Smets1Payload(
        srv=context.srv,
        outcome=response.outcome,
        data=response.data,
        device_id=context.device_id or response.request_id.target,
        user_id=response.request_id.originator,
        counter=response.request_id.counter,
        when=draft.when,
    )
    signed = future_dated_alert_tree(payload) if final_of_future else smets1_payload_tree(payload)
    draft.s1sp.sign_in_place(signed)  # signed as its own document, then placed in this one
    root = new_root("Response")
    header = add(root, "Header")
    if not final_of_future:  # an alert names no request: its ResponseID does
        add(header, "RequestID", str(response.request_id))
    add(header, "ResponseID", response.request_id.response_id())
    add(header, "ResponseCode", response.code if response.code.startswith("E") else "I0")
    add(header, "ResponseDateTime", write_datetime(draft.when))
    message = add(add(root, "Body"), "SMETS1ResponseMessage")
    add(message, "ServiceReference", _service_reference(context.srv))
    add(message, "ServiceReferenceVariant", context.srv)
    message.append(signed)
    _explain(draft, message)
    return root


# -- the S1SP's refusals -------------------------------------------------------------------
def _s1sp_alert(draft: _Draft) -> etree._Element:
    """``DCCAlertMessage`` carrying the S1SP's own signed ``S1SPAlert``."""
    if draft.s1sp is None:
        raise ValueError("an S1SP alert needs the S1SP's XML-signing identity")
    response = draft.response
    alert = etree.Element(sr("S1SPAlert"), nsmap={"sr": SR_NS})
    alert.set("schemaVersion", SCHEMA_VERSION)
    add(alert, "RequestID", str(response.request_id))
    add(alert, "DeviceID", str(draft.context.device_id or response.request_id.target))
    add(alert, "S1SPAlertCode", S1SP_ALERT_CODE.get(response.code, S1SP_ALERT_CODE["I0"]))
    if response.detail:
        add(alert, "AdditionalInformation", write_free_text(response.detail, 200))
    add(alert, "DateTime", write_datetime(draft.when))
    draft.s1sp.sign_in_place(alert)  # signed as its own document, then placed in this one
    root = new_root("Response")
    header = add(root, "Header")
    add(header, "ResponseCode", "I0")
    add(header, "ResponseDateTime", write_datetime(draft.when))
    message = add(add(root, "Body"), "DCCAlertMessage")
    add(message, "DCCAlertCode", S1SP_ALERT_DCC_CODE)
    add(add(message, "DCCAlert"), "S1SPAlertDSP").append(alert)
    _explain(draft, message)
    return root


# -- helpers -------------------------------------------------------------------------------
def _service_reference(srv: str) -> str:
    return ".".join(srv.split(".")[:2])


def _explain(draft: _Draft, parent: etree._Element) -> None:
    """The harness's explanation, for evidence only (``serve --explain``)."""
    if not draft.context.explain:
        return
    response = draft.response
    write_annotation(
        parent,
        Annotation(
            outcome=response.outcome,
            answered_by=response.answered_by,
            requirement=response.requirement,
            detail=response.detail,
            data=response.data,
        ),
    )


_ANSWERERS: dict[str, Callable[[_Draft], etree._Element]] = {
    "DSP": _dsp_answer,
    "device": _device_answer,
    "S1SP": _s1sp_alert,
}
_BY_GENERATION: dict[Generation, Callable[[_Draft], etree._Element]] = {
    Generation.SMETS2: _smets2_answer,
    Generation.SMETS1: _smets1_answer,
}
