"""ATT&CK technique mapping: explicit ids, technique names, and a curated keyword lexicon.

Offline and fast (a 20-page report maps in well under a second). Chosen over embeddings or a
trained classifier for this first version: no model download, explainable evidence per
sentence; measured in benchmarks/attack_mapping.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lionrock.intake.attack import Technique
from lionrock.intake.document import Document
from lionrock.intake.findings import Evidence

# Written by us from ATT&CK's technique pages: phrases analysts use for a technique.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "T1059.001": ("powershell",),
    "T1059.003": ("cmd.exe", "command prompt", "windows command shell", "batch script", "batch file"),
    "T1059.005": ("vbscript", "vba macro", "visual basic"),
    "T1059.006": ("python script",),
    "T1059.007": ("javascript", "jscript"),
    "T1053.005": ("scheduled task", "schtasks"),
    "T1547.001": ("run key", "currentversion\\run", "startup folder", "registry run"),
    "T1003.001": ("lsass", "mimikatz"),
    "T1003": ("credential dump", "dump credentials", "dumping credentials"),
    "T1566.001": ("spearphishing attachment", "malicious attachment", "weaponized document", "malicious document"),
    "T1566.002": ("spearphishing link", "malicious link"),
    "T1566": ("phishing", "phishing email", "phishing campaign", "phishing e-mail"),
    "T1574.002": ("dll hijack", "side-load", "sideload", "side load"),
    "T1574.001": ("search order hijack",),
    "T1055.012": ("process hollowing",),
    "T1055": ("inject", "process injection", "inject into", "injects into", "injected into"),
    "T1218.011": ("rundll32",),
    "T1218.010": ("regsvr32",),
    "T1218.005": ("mshta",),
    "T1140": ("decrypt", "decode", "decrypts the payload", "deobfuscat"),
    "T1027": ("obfuscat",),
    "T1027.002": ("packed with", "packer", "upx"),
    "T1027.003": ("steganograph",),
    "T1486": (
        "ransomware",
        "encrypts the victim",
        "encrypting files",
        "encrypts files",
        "encrypted files",
        "ransomware encrypt",
        "file encryption",
    ),
    "T1490": ("shadow copies", "vssadmin", "shadow copy"),
    "T1021.001": ("remote desktop", "rdp"),
    "T1021.002": ("admin share", "admin$", "smb share"),
    "T1569.002": ("psexec", "service execution"),
    "T1047": ("wmi", "wmic", "windows management instrumentation"),
    "T1056.001": ("keylog",),
    "T1113": ("screenshot", "screen capture"),
    "T1041": ("exfiltrat",),
    "T1071.001": ("http post", "https requests", "over http", "over https", "http requests"),
    "T1071.004": ("dns tunnel", "over dns"),
    "T1090.003": ("tor network", "onion"),
    "T1110": ("brute force", "brute-force", "password spray"),
    "T1078": ("valid accounts", "stolen credentials", "compromised credentials", "legitimate credentials"),
    "T1190": (
        "vulnerability in",
        "exploit",
        "exploit public-facing",
        "exploited a vulnerability",
        "exploiting vulnerabilities",
        "exploits a vulnerability",
        "exploitation of",
    ),
    "T1189": ("compromised website", "malvertising", "drive-by", "watering hole"),
    "T1204.002": ("enable macros", "enable content", "opens the attachment", "open the attachment"),
    "T1204": ("user execution", "lure"),
    "T1543.003": ("new service", "creates a service", "windows service"),
    "T1548.002": ("uac bypass", "bypass uac", "user account control"),
    "T1562.001": (
        "disables security",
        "defender exclusion",
        "tamper protection",
        "disable antivirus",
        "disables antivirus",
        "windows defender",
        "disable security tools",
    ),
    "T1070.001": ("clear event logs", "wevtutil", "clears event logs"),
    "T1070.004": ("deletes itself", "self-delete", "file deletion"),
    "T1070.006": ("timestomp",),
    "T1082": ("system information", "systeminfo", "os version", "computer name"),
    "T1033": ("whoami", "user name", "username"),
    "T1049": ("netstat", "network connections"),
    "T1016": ("ipconfig", "network configuration"),
    "T1057": ("tasklist", "running processes", "process list"),
    "T1083": ("file and directory", "enumerates files", "lists files", "directory listing"),
    "T1105": (
        "downloads and executes",
        "download and execute",
        "downloaded from",
        "fetches the",
        "retrieves the payload",
        "downloads additional",
        "download additional",
        "downloads a payload",
        "downloads the payload",
        "second-stage",
        "second stage payload",
        "downloader",
    ),
    "T1560": ("compressed archive", "rar archive", "zip archive", "archives the"),
    "T1496": ("cryptocurrency miner", "coin miner", "cryptominer", "xmrig"),
    "T1505.003": ("web shell", "webshell"),
    "T1542.003": ("bootkit",),
    "T1553.002": ("code signing", "signed with a", "stolen certificate", "valid certificate"),
    "T1036": ("masquerad", "disguised as", "posing as", "pretending to be"),
    "T1497": (
        "sandbox",
        "virtual machine",
        "sandbox evasion",
        "anti-vm",
        "virtual machine detection",
        "detect sandbox",
        "anti-sandbox",
    ),
    "T1567.002": ("dropbox", "google drive", "onedrive", "mega.nz"),
    "T1102": ("telegram", "discord", "pastebin", "github"),
    "T1583.001": ("registered domain", "registered the domain", "lookalike domain", "typosquat"),
    "T1588.002": ("cobalt strike", "metasploit", "sliver"),
    "T1571": ("non-standard port",),
    "T1573": ("encrypted channel", "rc4", "aes-encrypted", "encrypted c2", "xor"),
    "T1219": ("anydesk", "teamviewer", "remote access software", "screenconnect"),
    "T1133": ("vpn", "external remote services", "citrix"),
    "T1195.002": ("supply chain", "supply-chain", "trojanized", "compromised update"),
    "T1485": ("wiper", "wipes", "data destruction"),
    "T1012": ("query the registry", "queries the registry", "reg query"),
    "T1112": (
        "modifies the registry",
        "modify the registry",
        "registry modification",
        "reg add",
        "registry key",
        "registry value",
    ),
    "T1518.001": ("security software", "antivirus products", "installed antivirus"),
    "T1087": ("account discovery", "net user", "enumerates accounts"),
    "T1018": ("remote system discovery", "net view", "nltest"),
    "T1482": ("domain trust", "adfind"),
    "T1555.003": ("browser credentials", "saved passwords", "credentials from web browsers"),
    "T1539": ("session cookie", "steal cookies", "cookies"),
    "T1115": ("clipboard",),
    "T1123": ("microphone", "audio recording"),
    "T1125": ("webcam", "video capture"),
    "T1429": ("record audio",),
    "T1005": ("data from local system", "collects files", "steals files"),
    "T1020": ("automated exfiltration",),
    "T1071": ("command and control", "c2 communication", "c2 server", "beacon"),
    "T1090": ("proxy", "proxies"),
    "T1059": ("command-line", "command line", "shell commands", "scripts"),
    "T1132": ("base64-encoded", "base64 encoded", "encoded with base64"),
}
_ID_RE = re.compile(r"\bT\d{4}(?:\.\d{3})?\b")
# Names that are ordinary words in reports and mislead more than they help (chosen on AnnoCTR dev).
_NAME_STOPLIST = frozenset(
    {
        "Proxy",
        "Phishing",
        "Impersonation",
        "Rootkit",
        "Hooking",
        "Compromise",
        "Masquerading",
        "Resource Hijacking",
        "Software",
        "Local Account",
        "Domain Account",
        "Cloud Accounts",
        "Default Accounts",
        "Downgrade Attack",
        "Debugger Evasion",
    }
)


def _distinctive(tech: Technique) -> bool:
    """A sub-technique's bare name ("Server", "Domains", "Malware") is usually an ordinary noun;
    keep it only when it reads as a technique: three words or more, or an acronym or CamelCase."""
    if tech.parent_name is None:
        return True
    words = tech.name.split()
    return len(words) >= 3 or any((w.isupper() and len(w) > 1) or any(c.isupper() for c in w[1:]) for w in words)


@dataclass
class TechniqueMatch:
    attack_id: str
    name: str
    confidence: float
    stix_id: str
    evidence: list[Evidence] = field(default_factory=list)
    methods: set[str] = field(default_factory=set)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.attack_id,
            "name": self.name,
            "confidence": round(self.confidence, 2),
            "evidence": [e.as_dict() for e in self.evidence],
        }


@dataclass(frozen=True)
class Mapper:
    """Compiled matchers for one ATT&CK catalogue (build once, map many documents)."""

    techniques: dict[str, Technique]
    phrases: re.Pattern[str]
    phrase_ids: dict[str, tuple[str, str]]

    @classmethod
    def build(cls, techniques: dict[str, Technique]) -> Mapper:
        phrase_ids: dict[str, tuple[str, str]] = {}
        for attack_id, tech in techniques.items():
            if tech.name not in _NAME_STOPLIST and len(tech.name) > 4 and _distinctive(tech):
                phrase_ids.setdefault(tech.name.lower(), (attack_id, "name"))
        for attack_id, words in KEYWORDS.items():
            if attack_id in techniques:
                for word in words:
                    phrase_ids.setdefault(word.lower(), (attack_id, "keyword"))
        ordered = sorted(phrase_ids, key=len, reverse=True)
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in ordered) + r")", re.IGNORECASE)
        return cls(techniques, pattern, phrase_ids)

    def map(self, doc: Document, max_evidence: int = 5) -> list[TechniqueMatch]:
        found: dict[str, TechniqueMatch] = {}
        text = doc.text
        hits: list[tuple[str, str, int, int]] = []
        for m in _ID_RE.finditer(text):
            if m.group() in self.techniques:
                hits.append((m.group(), "id", m.start(), m.end()))
        for m in self.phrases.finditer(text):
            attack_id, method = self.phrase_ids[m.group().lower()]
            hits.append((attack_id, method, m.start(), m.end()))
        for attack_id, method, start, end in hits:
            tech = self.techniques[attack_id]
            match = found.get(attack_id)
            if match is None:
                match = found[attack_id] = TechniqueMatch(attack_id, tech.name, 0.0, tech.stix_id)
            match.methods.add(method)
            if len(match.evidence) < max_evidence:
                match.evidence.append(Evidence(doc.page_at(start), start, end, text))
        for match in found.values():
            base = 0.9 if "id" in match.methods else 0.75 if "name" in match.methods else 0.5
            match.confidence = min(0.95, base + 0.05 * (len(match.evidence) - 1))
        return sorted(found.values(), key=lambda m: (-m.confidence, m.attack_id))
