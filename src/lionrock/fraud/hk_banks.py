"""Hong Kong bank codes: the 3-digit clearing codes of the Hong Kong Interbank Clearing Ltd (HKICL),
and the length of the number that follows them.

A Hong Kong account is written bank code (3 digits) + branch code (3 digits) + account number; the
clearing systems (CHATS, FPS) carry branch and account together as up to 12 digits. Sources: HKICL's
"Bank code and branch code" list (hkicl.com.hk, member banks of the HKD clearing), the HKMA register
of authorized institutions (virtual banks, codes 387-395), and the banks' own sample cheques and
account statements for the lengths.

`digits` is the inclusive range of digits after the bank code (branch + account). Only HSBC and Hang
Seng are narrowed, to the 12 digits of their widely published 3-6-3 format (branch, account, suffix),
marked `narrowed=True`; every other bank accepts 9 to 12 (3-digit branch + 6 to 9 digits), the range
the clearing format allows, because its exact length was not confirmed from an authoritative list.
Codes not in the table are refused: a typo in the bank code would otherwise make a new identifier.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bank:
    code: str
    name: str
    aliases: tuple[str, ...] = ()  # how people name it instead of writing the code, lower-case
    digits: tuple[int, int] = (9, 12)  # digits after the bank code: branch + account
    narrowed: bool = False  # True where the length is narrower than the clearing format's 9-12


_BANKS = (
    Bank("003", "Standard Chartered Bank (Hong Kong)", ("standard chartered", "scb", "渣打")),
    Bank("004", "The Hongkong and Shanghai Banking Corporation", ("hsbc", "匯豐", "滙豐"), (12, 12), narrowed=True),
    Bank("005", "Credit Agricole Corporate and Investment Bank"),
    Bank("006", "Citibank, N.A.", ("citibank na",)),
    Bank("009", "China Construction Bank (Asia)", ("ccb asia", "ccb", "建行亞洲")),
    Bank("012", "Bank of China (Hong Kong)", ("bank of china", "bochk", "boc", "中銀", "中國銀行")),
    Bank("015", "The Bank of East Asia", ("bank of east asia", "bea", "東亞", "東亞銀行")),
    Bank("016", "DBS Bank (Hong Kong)", ("dbs", "星展")),
    Bank("018", "China CITIC Bank International", ("citic", "中信")),
    Bank("020", "CMB Wing Lung Bank", ("wing lung", "cmb wing lung", "招商永隆")),
    Bank("024", "Hang Seng Bank", ("hang seng", "hase", "恒生", "恆生"), (12, 12), narrowed=True),
    Bank("025", "Shanghai Commercial Bank", ("shanghai commercial", "上商", "上海商業")),
    Bank("027", "Bank of Communications Co., Hong Kong Branch"),
    Bank("028", "Public Bank (Hong Kong)", ("public bank", "大眾")),
    Bank("035", "OCBC Bank (Hong Kong)", ("ocbc", "ocbc wing hang", "華僑")),
    Bank("038", "Tai Yau Bank", ("tai yau",)),
    Bank("039", "Chiyu Banking Corporation", ("chiyu", "集友")),
    Bank("040", "Dah Sing Bank", ("dah sing", "大新")),
    Bank("041", "Chong Hing Bank", ("chong hing", "創興")),
    Bank("043", "Nanyang Commercial Bank", ("nanyang", "ncb", "南洋")),
    Bank("061", "Tai Sang Bank", ("tai sang",)),
    Bank("072", "Industrial and Commercial Bank of China (Asia)", ("icbc asia", "icbc", "工銀亞洲")),
    Bank("128", "Fubon Bank (Hong Kong)", ("fubon", "富邦")),
    Bank("250", "Citibank (Hong Kong)", ("citibank", "citi", "花旗")),
    Bank("382", "Bank of Communications (Hong Kong)", ("bank of communications", "bocom", "交銀", "交通銀行")),
    Bank("387", "ZA Bank", ("za bank", "za", "眾安")),
    Bank("388", "Livi Bank", ("livi", "livi bank")),
    Bank("389", "Mox Bank", ("mox", "mox bank")),
    Bank("390", "WeLab Bank", ("welab", "welab bank", "匯立")),
    Bank("391", "Fusion Bank", ("fusion", "fusion bank", "富融")),
    Bank("392", "PAO Bank", ("pao bank", "paob", "平安壹賬通")),
    Bank("393", "Ant Bank (Hong Kong)", ("ant bank", "螞蟻")),
    Bank("395", "Airstar Bank", ("airstar", "airstar bank", "天星")),
)

BANKS: dict[str, Bank] = {bank.code: bank for bank in _BANKS}
# Longest alias first, so "bank of china" wins over "boc" and "citibank na" over "citibank".
ALIASES: tuple[tuple[str, str], ...] = tuple(
    sorted(((alias, bank.code) for bank in _BANKS for alias in bank.aliases), key=lambda pair: -len(pair[0]))
)
