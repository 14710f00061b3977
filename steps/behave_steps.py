"""behave loads every module at the top of steps/: this one binds the step library."""

from steps.binders.behave import bind

bind()
