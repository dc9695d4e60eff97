"""A small REST client for commands that talk to a running hub."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx

from lionrock.errors import LionrockError


class HubError(LionrockError):
    pass


class HubClient:
    def __init__(self, base_url: str, token: str, timeout: float = 60.0) -> None:
        self.http = httpx.Client(
            base_url=base_url.rstrip("/"), headers={"Authorization": f"Bearer {token}"}, timeout=timeout
        )

    def _check(self, response: httpx.Response) -> Any:
        if response.status_code >= 400:
            try:
                message = response.json()["error"]["message"]
            except (ValueError, KeyError, TypeError):
                message = response.text[:300]
            raise HubError(f"the hub answered {response.status_code}: {message}")
        return response.json()

    def upload(self, path: Path) -> str:
        try:
            response = self.http.post("/api/v1/intake", params={"filename": path.name}, content=path.read_bytes())
        except httpx.HTTPError as exc:
            raise HubError(f"cannot reach the hub at {self.http.base_url}: {exc}") from exc
        return str(self._check(response)["id"])

    def wait(self, job_id: str, progress: Callable[[int], None], timeout: float = 600.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state: dict[str, Any] = self._check(self.http.get(f"/api/v1/intake/{job_id}"))
            progress(int(state["progress"]))
            if state["status"] in ("done", "failed"):
                return state
            time.sleep(0.3)
        raise HubError(f"the hub did not finish job {job_id} within {timeout:.0f} s")

    def publish(self, job_id: str, body: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self._check(self.http.post(f"/api/v1/intake/{job_id}/publish", json=body))
        return result

    def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        try:
            return self._check(self.http.get(path, params=params))
        except httpx.HTTPError as exc:
            raise HubError(f"cannot reach the hub at {self.http.base_url}: {exc}") from exc

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """GET a REST path and answer its JSON; HubError for an error answer or an unreachable hub."""
        return self._get(path, params)

    def post_json(self, path: str, body: Any) -> Any:
        """POST JSON to a REST path and answer its JSON; HubError as for get_json."""
        try:
            return self._check(self.http.post(path, json=body))
        except httpx.HTTPError as exc:
            raise HubError(f"cannot reach the hub at {self.http.base_url}: {exc}") from exc

    def me(self) -> dict[str, Any]:
        found: dict[str, Any] = self._get("/api/v1/me")
        return found

    def indicators(self, added_after: str | None, page_size: int = 1000) -> Iterator[tuple[dict[str, Any], str]]:
        """Latest visible versions of indicators added after `added_after`, with their date_added."""
        params: dict[str, Any] = {"type": "indicator", "versions": "last", "limit": page_size}
        if added_after:
            params["added_after"] = added_after
        while True:
            page = self._get("/api/v1/objects", params)
            for item in page["items"]:
                yield item["object"], item["meta"]["date_added"]
            if not page.get("cursor"):
                return
            params["cursor"] = page["cursor"]

    def post_bundle(self, objects: list[dict[str, Any]], *, anonymous: bool) -> dict[str, Any]:
        bundle = {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}
        try:
            response = self.http.post("/api/v1/bundles", json={"bundle": bundle, "anonymous": anonymous})
        except httpx.HTTPError as exc:
            raise HubError(f"cannot reach the hub at {self.http.base_url}: {exc}") from exc
        result: dict[str, Any] = self._check(response)
        return result

    def check_fraud(self, items: Sequence[tuple[str, str]], chunk: int = 1000) -> list[dict[str, Any]]:
        """The hub's answer for each (kind, value), in order, asked in batches of `chunk` (the
        endpoint's limit). The hub sees every value asked; it stores nothing about checks."""
        out: list[dict[str, Any]] = []
        for start in range(0, len(items), chunk):
            body = {"checks": [{"type": kind, "value": value} for kind, value in items[start : start + chunk]]}
            try:
                response = self.http.post("/api/v1/fraud/check", json=body)
            except httpx.HTTPError as exc:
                raise HubError(f"cannot reach the hub at {self.http.base_url}: {exc}") from exc
            out.extend(self._check(response)["results"])
        return out

    def import_fraud_csv(self, data: bytes, *, dry_run: bool = False) -> dict[str, Any]:
        """POST a CSV file of fraud reports (all rows or none); the hub's summary. A refusal lists each
        bad line."""
        params = {"dry_run": "true"} if dry_run else None
        try:
            response = self.http.post(
                "/api/v1/fraud/reports", content=data, params=params, headers={"Content-Type": "text/csv"}
            )
        except httpx.HTTPError as exc:
            raise HubError(f"cannot reach the hub at {self.http.base_url}: {exc}") from exc
        if response.status_code == 422:
            raise HubError(_with_problems(response))
        result: dict[str, Any] = self._check(response)
        return result


def _with_problems(response: httpx.Response) -> str:
    """A 422's message and its problems (each names its line), one per line."""
    try:
        error = response.json()["error"]
        lines = [str(error["message"])] + [f"  {p['message']}" for p in error.get("problems", [])[:50]]
    except (ValueError, KeyError, TypeError):
        lines = [response.text[:300]]
    return f"the hub answered {response.status_code}: " + "\n".join(lines)
