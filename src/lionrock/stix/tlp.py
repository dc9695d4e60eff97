"""TLP 2.0 levels and the STIX marking definitions that carry them (TLP 2.0 and 1.0 ids)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"


class Tlp(StrEnum):
    CLEAR = "clear"
    GREEN = "green"
    AMBER = "amber"
    AMBER_STRICT = "amber+strict"
    RED = "red"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def leaves_hub(self) -> bool:
        """Only CLEAR and GREEN may go to feeds and exports meant for outside parties."""
        return self in (Tlp.CLEAR, Tlp.GREEN)

    @classmethod
    def parse(cls, text: str) -> Tlp:
        key = text.strip().lower().removeprefix("tlp:").replace("_", "+").replace(" ", "")
        if key == "white":
            return cls.CLEAR
        if key == "amber-strict":
            key = "amber+strict"
        return cls(key)


_RANK = {Tlp.CLEAR: 0, Tlp.GREEN: 1, Tlp.AMBER: 2, Tlp.AMBER_STRICT: 3, Tlp.RED: 4}

TLP2_MARKINGS: dict[Tlp, str] = {
    Tlp.CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    Tlp.GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    Tlp.AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    Tlp.AMBER_STRICT: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    Tlp.RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TLP1_MARKINGS: dict[Tlp, str] = {
    Tlp.CLEAR: "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
    Tlp.GREEN: "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
    Tlp.AMBER: "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
    Tlp.RED: "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
}
MARKING_TO_TLP: dict[str, Tlp] = {
    **{v: k for k, v in TLP1_MARKINGS.items()},
    **{v: k for k, v in TLP2_MARKINGS.items()},
}


def tlp_of_markings(refs: Iterable[str]) -> Tlp | None:
    """The strictest TLP among the marking refs, or None when none is a TLP marking."""
    found = [MARKING_TO_TLP[r] for r in refs if r in MARKING_TO_TLP]
    return max(found, key=lambda t: t.rank) if found else None


def is_tlp_marking(stix_id: str) -> bool:
    return stix_id in MARKING_TO_TLP


def tlp2_marking_object(level: Tlp) -> dict[str, object]:
    """The OASIS TLP 2.0 marking-definition object for a level."""
    names = {Tlp.AMBER_STRICT: "TLP:AMBER+STRICT"}
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP2_MARKINGS[level],
        "created": "2022-10-01T00:00:00.000Z",
        "name": names.get(level, f"TLP:{level.value.upper()}"),
        "extensions": {TLP2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": level.value}},
    }
