"""Word (.docx) text, read as a stream: paragraphs and table rows of the main document part.

python-docx loads every part into memory and builds the whole XML tree: a document whose
1.1 MB of incompressible padding kept the compression ratio low and whose main part inflated to
hundreds of MB cost 4 to 7.6 GB. Here only the parts needed are inflated, their inflated bytes
are counted as they are read (the zip headers are not trusted), and the XML is parsed
incrementally with each finished element dropped, so memory stays bounded by one paragraph.
Macros and external entities are never touched: entity resolution, DTDs and the network are off."""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from typing import IO

from lxml import etree

from lionrock.intake.document import Deadline, DocumentError, Limits, limit_error, too_much_text

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"
_OFFICE_DOCUMENT = "/officeDocument"
_CORE = "/core-properties"
_WORD_TYPES = ("wordprocessingml", "ms-word")
_SMALL_PART = 4 * 1024 * 1024


class _Budget:
    """Inflated bytes still allowed across every part read from one document."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.left = limits.max_unzipped_bytes

    def take(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise limit_error(
                "the Word document unpacks to too much data (a zip bomb?); refused",
                "max_unzipped_bytes",
                self.limits.max_unzipped_bytes,
            )


class _Counted(io.RawIOBase):
    """A zip member as a stream that charges what it yields to the budget."""

    def __init__(self, raw: IO[bytes], budget: _Budget, cap: int | None = None) -> None:
        self.raw, self.budget, self.cap, self.seen = raw, budget, cap, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.raw.read(len(buffer))
        self.budget.take(len(data))
        self.seen += len(data)
        if self.cap is not None and self.seen > self.cap:
            raise DocumentError(f"a Word document's package part is larger than {self.cap:,} bytes; refused")
        buffer[: len(data)] = data
        return len(data)


def _parser_options() -> dict[str, bool]:
    return {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


def _small_xml(archive: zipfile.ZipFile, name: str, budget: _Budget) -> etree._Element | None:
    try:
        with archive.open(name) as raw:
            data = _Counted(raw, budget, _SMALL_PART).read()
    except KeyError:
        return None
    return etree.fromstring(data, etree.XMLParser(**_parser_options()))


def _target(archive: zipfile.ZipFile, budget: _Budget, kind: str, default: str) -> str:
    rels = _small_xml(archive, "_rels/.rels", budget)
    if rels is not None:
        for rel in rels.iter(_REL):
            if str(rel.get("Type", "")).endswith(kind):
                return posixpath.normpath(str(rel.get("Target", default)).lstrip("/"))
    return default


def _check_container(archive: zipfile.ZipFile, main: str, limits: Limits, budget: _Budget) -> None:
    infos = archive.infolist()
    if len(infos) > limits.max_zip_members:
        raise limit_error(
            f"the Word document holds {len(infos):,} zip entries", "max_zip_members", limits.max_zip_members
        )
    try:
        info = archive.getinfo(main)
    except KeyError:
        raise DocumentError("not a Word document (its main document part is missing)") from None
    if info.file_size > limits.max_unzipped_bytes:
        budget.take(info.file_size)
    if info.file_size / max(info.compress_size, 1) > limits.max_zip_ratio:
        raise limit_error(
            "the Word document's text part is compressed too tightly (a zip bomb?); refused",
            "max_zip_ratio",
            limits.max_zip_ratio,
        )
    types = _small_xml(archive, "[Content_Types].xml", budget)
    if types is not None:
        for override in types.iter(f"{_CT}Override"):
            if str(override.get("PartName", "")).lstrip("/") == main:
                content_type = str(override.get("ContentType", ""))
                if not any(word in content_type for word in _WORD_TYPES):
                    raise DocumentError(f"not a Word document (its main part is {content_type})")


def _lines(stream: IO[bytes], limits: Limits, deadline: Deadline) -> Iterator[str]:
    """Body paragraphs, and table rows as cells joined with " | " (nested tables as rows of their own)."""
    body_depth = -1
    depth = 0
    frames: list[list[str]] = []  # open collectors: a body paragraph, a row (its cells), a cell
    kinds: list[str] = []
    for count, (event, element) in enumerate(etree.iterparse(stream, events=("start", "end"), **_parser_options())):
        tag = element.tag
        if event == "start":
            depth += 1
            if tag == f"{_W}body":
                body_depth = depth
            elif tag == f"{_W}p" and depth == body_depth + 1:
                frames.append([])
                kinds.append("p")
            elif tag == f"{_W}tr" and body_depth >= 0:
                frames.append([])
                kinds.append("tr")
            elif tag == f"{_W}tc" and kinds and kinds[-1] == "tr":
                frames.append([])
                kinds.append("tc")
            continue
        depth -= 1
        if tag == f"{_W}t" and frames and kinds[-1] in ("p", "tc"):
            frames[-1].append(element.text or "")
        elif tag == f"{_W}tc" and kinds and kinds[-1] == "tc":
            cell = "".join(frames.pop())
            kinds.pop()
            frames[-1].append(cell)
        elif tag == f"{_W}tr" and kinds and kinds[-1] == "tr":
            kinds.pop()
            yield " | ".join(frames.pop())
        elif tag == f"{_W}p" and depth == body_depth and kinds and kinds[-1] == "p":
            kinds.pop()
            yield "".join(frames.pop())
        element.clear(keep_tail=False)
        parent = element.getparent()
        if parent is not None:
            while element.getprevious() is not None:
                del parent[0]
        if count % 4096 == 0:
            deadline.check("Word document body")


def read_wordml(data: bytes, limits: Limits) -> tuple[str, str | None]:
    """(text, title) of a .docx."""
    deadline = Deadline(limits.max_seconds)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise DocumentError("not a readable Word document (the zip container is broken)") from exc
    budget = _Budget(limits)
    with archive:
        main = _target(archive, budget, _OFFICE_DOCUMENT, "word/document.xml")
        _check_container(archive, main, limits, budget)
        core = _small_xml(archive, _target(archive, budget, _CORE, "docProps/core.xml"), budget)
        title_node = core.find(f".//{_DC_TITLE}") if core is not None else None
        title = (title_node.text or "").strip() or None if title_node is not None else None
        lines: list[str] = []
        size = 0
        with archive.open(main) as raw:
            for line in _lines(io.BufferedReader(_Counted(raw, budget)), limits, deadline):
                size += len(line) + 1
                if size > limits.max_chars:
                    raise too_much_text(limits)
                lines.append(line)
    return "\n".join(lines), title
