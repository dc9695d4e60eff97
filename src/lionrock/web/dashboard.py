"""GET /web/: the dashboard (hub.dashboard), its charts drawn by web.charts."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from lionrock.hub.dashboard import Dashboard, dashboard
from lionrock.hub.fraud_views import FraudPanel, fraud_panel
from lionrock.stix.tlp import Tlp
from lionrock.web import charts
from lionrock.web.context import N_, WebRefused, gettext, hub_of, page, page_router, principal
from lionrock.web.fraud import SCAM_TYPE_NAMES
from lionrock.web.i18n import hk_time

router = page_router()

KIND_NAMES = {
    "ipv4": N_("IPv4 address"),
    "ipv6": N_("IPv6 address"),
    "domain": N_("Domain name"),
    "url": N_("URL"),
    "file hash": N_("File hash"),
    "email": N_("E-mail"),
    "other": N_("Other"),
}
TLP_ORDER = (Tlp.RED, Tlp.AMBER_STRICT, Tlp.AMBER, Tlp.GREEN, Tlp.CLEAR)


def weeks_param(request: Request) -> int:
    """?weeks=N, a whole number from 1 to 52 (default 12), or a clear 400."""
    raw = request.query_params.get("weeks")
    if raw is None or raw == "":
        return 12
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 2 and 1 <= int(raw) <= 52):
        raise WebRefused(400, N_("Weeks must be a whole number from 1 to 52."))
    return int(raw)


def _charts(request: Request, board: Dashboard) -> dict[str, Any]:
    _ = gettext(request)
    labels = [hk_time(w.start, with_time=False)[5:] for w in board.weeks]
    values = [[w.counts[t.value] for t in TLP_ORDER] for w in board.weeks]
    received = charts.stacked_bars(
        "received",
        _("Intelligence received by week and TLP"),
        _(
            "Stacked bars, one per week, of the versions other organisations shared with you, by TLP; "
            "the table below gives the numbers."
        ),
        labels,
        charts.TLP_SERIES,
        values,
    )
    kinds = [(_(KIND_NAMES.get(k, k)), n) for k, n in board.indicator_kinds]
    kinds_chart = charts.horizontal_bars(
        "kinds",
        _("Indicator types"),
        _("Bars of the number of indicators you may see, by the observable type of their pattern."),
        kinds,
    )
    tech_rows = [(f"{t.attack_id} {t.name}".strip(), t.uses) for t in board.techniques]
    tech_chart = (
        charts.horizontal_bars(
            "techniques",
            _("Most frequent ATT&CK techniques"),
            _("Bars of the number of relationships you may see that reference each technique."),
            tech_rows,
        )
        if tech_rows
        else None
    )
    return {"received_chart": received, "kinds": kinds, "kinds_chart": kinds_chart, "techniques_chart": tech_chart}


def _fraud_chart(request: Request, panel: FraudPanel) -> dict[str, Any]:
    """The fraud panel's bars: scam types named under the three-organisation rule, then "other"."""
    _ = gettext(request)
    rows = [(_(SCAM_TYPE_NAMES.get(s, s)), n) for s, n in panel.scam_types]
    if panel.other:
        rows.append((_("Other types"), panel.other))
    chart = charts.horizontal_bars(
        "fraud-types",
        _("Fraud reports by scam type, last 30 days"),
        _(
            "Bars of the reports across the sector by scam type; a type is named only when 3 or more "
            "organisations reported it, the rest are counted together as other types."
        ),
        rows,
    )
    return {"fraud": panel, "fraud_rows": rows, "fraud_chart": chart if rows else None}


@router.get("/")
async def home(request: Request) -> Response:
    who = principal(request)
    weeks = weeks_param(request)
    hub = hub_of(request)
    board = await run_in_threadpool(dashboard, hub, who, hub.clock(), weeks)
    panel = await run_in_threadpool(fraud_panel, hub, who, hub.clock())
    return page(
        request,
        "dashboard.html",
        "Dashboard",
        active="dashboard",
        board=board,
        count=board.visible_objects,
        tlps=[t.value for t in TLP_ORDER],
        weeks=weeks,
        **_charts(request, board),
        **_fraud_chart(request, panel),
    )
