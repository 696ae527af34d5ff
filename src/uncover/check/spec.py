"""A production specification: the format a court ordered or the parties agreed, as data.

Specs are TOML files (`check/specs/*.toml` ship with uncover; `--spec path.toml` reads a user's own,
see `check/specs/example.toml`). Every key is optional and has a lenient default, so a spec states
only what was ordered. Field names are canonical names from `ingest/loadfiles/fields.py`; a
requirement may offer alternatives with `|` (`"attach_range|attach_begin"`: either satisfies it).
Validation names the file and the key, because the person fixing a spec is a paralegal, not us.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..ingest.loadfiles.fields import CANONICAL_FIELDS

RECORD_KINDS = ("all", "email", "edoc", "paper")
IMAGE_FORMATS = ("tiff", "jpeg", "png", "pdf", "gif", "bmp")


@dataclass
class FieldRules:
    required: dict[str, list[str]] = field(default_factory=dict)  # record kind -> requirements
    may_be_empty: list[str] = field(default_factory=list)  # must be a column, may be blank (CC on most e-mails)


@dataclass
class ImageRules:
    required: bool = True
    formats: list[str] = field(default_factory=lambda: list(IMAGE_FORMATS))
    single_page: bool = False  # one image file per page (single-page TIFF/JPG)


@dataclass
class LoadFileRules:
    required: bool = True
    delimiters: list[str] = field(default_factory=list)  # e.g. ["\u0014"]; empty: any
    qualifiers: list[str] = field(default_factory=list)  # e.g. ["\u00fe"]; empty: any
    encodings: list[str] = field(default_factory=list)  # e.g. ["utf-8", "utf-16"]; empty: any
    header: bool = False  # a header row required
    max_field_name: int = 0  # longest field name allowed (DOJ Antitrust: 8); 0: any


@dataclass
class TextRules:
    required: bool = True  # a text file per document from the producer
    searchable: bool = True  # every page has text
    page_aligned: bool = True  # page breaks (form feeds) match the images


@dataclass
class NativeRules:
    kinds: list[str] = field(default_factory=lambda: ["spreadsheet", "presentation"])
    extensions: list[str] = field(default_factory=lambda: ["xls", "xlsx", "xlsm", "csv", "ods", "ppt", "pptx",
                                                           "pps", "ppsx", "odp"])


@dataclass
class BatesRules:
    prefix_pattern: str = ""  # a regular expression the prefix must match in full; empty: any
    width: int | None = None  # digits of the number; None: one width per prefix
    no_spaces: bool = True
    gaps: str = "deficiency"  # severity of undisclosed gaps: deficiency, warning or info


@dataclass
class FamilyRules:
    check: bool = True


@dataclass
class DateRules:
    fields: list[str] = field(default_factory=lambda: ["date_sent", "date_received", "date_created", "date_modified"])
    time_fields: list[str] = field(default_factory=lambda: ["time_sent", "time_received", "time_created",
                                                            "time_modified"])
    formats: list[str] = field(default_factory=list)  # strptime formats allowed; empty: any readable date
    time_formats: list[str] = field(default_factory=list)


@dataclass
class OrderCitations:
    """What a letter cites: the order (or standard) itself, its status, and per rule family (fields,
    images, text, natives, bates, families, dates, loadfile, merged, withholdings) the part of it
    that requires what the rule checks. Counsel edit these in the spec file, not in code."""

    citation: str = ""  # "Opinion and Order, ... (S.D.N.Y. Feb. 7, 2011), ECF No. 41"
    status: str = ""  # e.g. that the order was withdrawn, and how the letter relies on it
    paragraphs: dict[str, str] = field(default_factory=dict)  # rule family -> pinpoint citation

    def cite(self, rule: str) -> str:
        return self.paragraphs.get(rule, "") or self.paragraphs.get(rule.split(".", 1)[0], "")


@dataclass
class ProductionSpec:
    name: str
    title: str = ""
    source: str = ""  # where the requirement comes from: an order, an agency standard
    fields: FieldRules = field(default_factory=FieldRules)
    images: ImageRules = field(default_factory=ImageRules)
    loadfile: LoadFileRules = field(default_factory=LoadFileRules)
    text: TextRules = field(default_factory=TextRules)
    natives: NativeRules = field(default_factory=NativeRules)
    bates: BatesRules = field(default_factory=BatesRules)
    families: FamilyRules = field(default_factory=FamilyRules)
    dates: DateRules = field(default_factory=DateRules)
    order: OrderCitations = field(default_factory=OrderCitations)
    path: str = ""

    def required_fields(self, record_kind: str) -> list[str]:
        """Requirements for a record kind: those for all records, then the kind's own."""
        seen: list[str] = []
        for req in self.fields.required.get("all", []) + self.fields.required.get(record_kind, []):
            if req not in seen:
                seen.append(req)
        return seen


_SECTIONS: dict[str, type] = {"fields": FieldRules, "images": ImageRules, "loadfile": LoadFileRules,
                              "text": TextRules, "natives": NativeRules, "bates": BatesRules,
                              "families": FamilyRules, "dates": DateRules, "order": OrderCitations}


def builtin_specs() -> list[str]:
    """Names of the specs shipped with uncover (example.toml excluded: it is a template)."""
    names = [e.name[:-5] for e in resources.files("uncover.check.specs").iterdir()
             if e.name.endswith(".toml") and e.name != "example.toml"]
    return sorted(names)


def load_spec(name_or_path: str | Path) -> ProductionSpec:
    """A shipped spec by name (`ndlon-2011`) or a TOML file by path."""
    text_name = str(name_or_path)
    path = Path(text_name)
    if path.suffix == ".toml" or path.exists() or "/" in text_name or "\\" in text_name:
        if not path.is_file():
            raise InputError(f"Spec file {path} does not exist; give a shipped spec name ({', '.join(builtin_specs())}) "
                             "or the path of a TOML file.", path=str(path))
        return parse_spec(path.read_text("utf-8"), str(path))
    entry = resources.files("uncover.check.specs").joinpath(f"{text_name}.toml")
    if not entry.is_file():
        raise InputError(f"No spec named {text_name!r}; shipped specs: {', '.join(builtin_specs())}, "
                         "or give the path of your own TOML file (see check/specs/example.toml).")
    return parse_spec(entry.read_text("utf-8"), f"{text_name}.toml")


def parse_spec(text: str, source: str) -> ProductionSpec:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{source} is not valid TOML ({exc}); fix the line it names.", path=source) from exc
    if not isinstance(data.get("name"), str) or not data["name"].strip():
        raise InputError(f"{source}: key 'name' is required (a short name such as \"ndlon-2011\").", path=source)
    spec = ProductionSpec(name=data["name"], title=str(data.get("title", "")), source=str(data.get("source", "")),
                          path=source)
    unknown = set(data) - {"name", "title", "source", *_SECTIONS}
    if unknown:
        raise InputError(f"{source}: unknown key(s) {', '.join(sorted(unknown))}; known sections: "
                         f"{', '.join(_SECTIONS)}.", path=source)
    for section, cls in _SECTIONS.items():
        if section in data:
            if not isinstance(data[section], dict):
                raise InputError(f"{source}: [{section}] must be a table.", path=source)
            setattr(spec, section, _section(cls, data[section], section, source))
    _validate(spec, source)
    return spec


def _section(cls: type, values: dict[str, Any], section: str, source: str) -> Any:
    defaults = cls()
    for key, value in values.items():
        if key == "paragraphs" and cls is OrderCitations:
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise InputError(f"{source}: [order.paragraphs] must be a table of rule family = \"citation\".",
                                 path=source)
            defaults.paragraphs = dict(value)
            continue
        if key == "required" and cls is FieldRules:
            if not isinstance(value, dict):
                raise InputError(f"{source}: [fields.required] must be a table of record kind = [field names].",
                                 path=source)
            for kind, names in value.items():
                if kind not in RECORD_KINDS:
                    raise InputError(f"{source}: fields.required.{kind}: record kind must be one of "
                                     f"{', '.join(RECORD_KINDS)}.", path=source)
                if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                    raise InputError(f"{source}: fields.required.{kind} must be a list of field names.", path=source)
            defaults.required = {k: list(v) for k, v in value.items()}
            continue
        if not hasattr(defaults, key):
            known = ", ".join(defaults.__dataclass_fields__)
            raise InputError(f"{source}: unknown key {section}.{key}; known keys of [{section}]: {known}.", path=source)
        current = getattr(defaults, key)
        if isinstance(current, bool) and not isinstance(value, bool):
            raise InputError(f"{source}: {section}.{key} must be true or false, not {value!r}.", path=source)
        if isinstance(current, list) and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise InputError(f"{source}: {section}.{key} must be a list of strings.", path=source)
        if isinstance(current, str) and not isinstance(value, str):
            raise InputError(f"{source}: {section}.{key} must be a string.", path=source)
        if isinstance(current, int) and not isinstance(current, bool) and not isinstance(value, int):
            raise InputError(f"{source}: {section}.{key} must be a whole number.", path=source)
        if key == "width" and not (isinstance(value, int) and 1 <= value <= 20):
            raise InputError(f"{source}: bates.width must be a whole number of digits (1-20).", path=source)
        setattr(defaults, key, value)
    return defaults


def _validate(spec: ProductionSpec, source: str) -> None:
    known = set(CANONICAL_FIELDS)
    for kind, names in spec.fields.required.items():
        for requirement in names:
            for name in requirement.split("|"):
                if name.strip() not in known:
                    raise InputError(f"{source}: fields.required.{kind}: {name.strip()!r} is not a canonical field "
                                     f"name; use one of: {', '.join(sorted(known))}.", path=source)
    for name in spec.fields.may_be_empty + spec.dates.fields + spec.dates.time_fields:
        if name not in known:
            raise InputError(f"{source}: {name!r} is not a canonical field name.", path=source)
    bad = [f for f in spec.images.formats if f.lower() not in IMAGE_FORMATS]
    if bad:
        raise InputError(f"{source}: images.formats: {', '.join(bad)} unknown; use {', '.join(IMAGE_FORMATS)}.",
                         path=source)
    if spec.bates.gaps not in ("deficiency", "warning", "info"):
        raise InputError(f"{source}: bates.gaps must be \"deficiency\", \"warning\" or \"info\".", path=source)
    if spec.bates.prefix_pattern:
        try:
            re.compile(spec.bates.prefix_pattern)
        except re.error as exc:
            raise InputError(f"{source}: bates.prefix_pattern is not a valid regular expression ({exc}).",
                             path=source) from exc
