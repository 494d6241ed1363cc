"""Imports every module that registers something under a prompt (see ``strategy.ui.extras``)."""
import strategy.ui.evidence_views  # noqa: F401
import strategy.ui.finalise_views  # noqa: F401
import strategy.ui.import_panel  # noqa: F401
import strategy.ui.plan_extras  # noqa: F401
import strategy.ui.snapshot_views  # noqa: F401
