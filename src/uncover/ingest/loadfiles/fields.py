"""Canonical load-file field names and the alias table that maps what producers write onto them.

Producers name the same field a dozen ways (SEC's FIRSTBATES, DOJ's BEGDOC#, Relativity's "Control
Number", FreeEed's UPI). Matching ignores case, spaces and punctuation, so `Beg Bates`, `BEG_BATES`
and `BEGBATES` are one name. Unknown fields are kept as raw fields and reported, never rejected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

# canonical name -> the spellings seen in real productions and agency specifications
ALIASES: dict[str, tuple[str, ...]] = {
    "bates_begin": ("BEGBATES", "BEGDOC", "BEGDOC#", "FIRSTBATES", "PRODBEG", "Control Number", "BEGNO",
                    "Begin Bates", "BEGINBATES", "BATESBEG", "BEG_BATES", "PRODBEGBATES", "DOCID", "UPI",
                    "ImageKey", "StartBates", "Bates Begin", "BegProd"),
    "bates_end": ("ENDBATES", "ENDDOC", "ENDDOC#", "LASTBATES", "PRODEND", "ENDNO", "End Bates", "BATESEND",
                  "END_BATES", "PRODENDBATES", "Bates End", "EndProd"),
    "attach_begin": ("BEGATTACH", "BEGATT", "BEGINATTACH", "BEGATTACHMENT", "PARENTBEG", "BEG_ATTACH",
                     "BEGFAMILY", "BegAttachment", "Attach Begin", "Family Begin"),
    "attach_end": ("ENDATTACH", "ENDATT", "ENDATTACHMENT", "END_ATTACH", "ENDFAMILY", "Attach End", "Family End"),
    "attach_range": ("ATTACHRANGE", "FAMLYRNG", "FAMILYRANGE", "ATTACH_RANGE", "ATTRANGE"),
    "parent_id": ("PARENTID", "PARENT_BATES", "PARENTBATES", "Parent Document ID", "PARENT_DOCID",
                  "PARENTDOCID", "attachment_parent", "Parent", "ParentDocID"),
    "attach_ids": ("ATTCHIDS", "ATTACHIDS", "ATTACHID", "CHILD_BATES", "CHILDBATES", "ATTACHMENTIDS",
                   "Attachment Document IDs", "ChildIDs"),
    "attach_count": ("ATTACHCOUNT", "NUMATTACH", "number of attachments", "ATTCOUNT", "NUM_ATTACH"),
    "custodian": ("CUSTODIAN", "CUSTDIAN", "CUSTODIANS", "ALLCUSTODIANS", "All Custodians", "Custodian Name"),
    "from": ("FROM", "EMAILFROM", "Email From", "AUTHOR_EMAIL", "SENDER", "EMAIL_FROM"),
    "to": ("TO", "EMAILTO", "Email To", "RECIPIENTS", "RECIPIENT", "EMAIL_TO"),
    "cc": ("CC", "EMAILCC", "Email CC", "EMAIL_CC"),
    "bcc": ("BCC", "EMAILBCC", "Email BCC", "EMAIL_BCC"),
    "subject": ("SUBJECT", "EMAILSUBJECT", "Email Subject", "EMAIL_SUBJECT", "SUBJ"),
    "title": ("TITLE", "DOCTITLE", "DOC_TITLE"),
    "author": ("AUTHOR", "DOCAUTHOR", "CREATEDBY", "Created By"),
    "date_sent": ("DATESENT", "DATE_SENT", "SENTDATE", "SENT_DATE", "DOCDATE", "DOC_DATE", "Date Sent",
                  "Sent Date", "DATE", "EMAILDATE"),
    "time_sent": ("TIMESENT", "TIME_SENT", "SENTTIME", "Time Sent", "SENT_TIME", "EMAILTIMESENT"),
    "date_received": ("DATERCVD", "DATE_RCVD", "DATERECEIVED", "Date Received", "RECEIVEDDATE", "DATERECVD",
                      "RCVDDATE", "RECDATE", "DATEREC"),
    "time_received": ("TIMERCVD", "TIME_RCVD", "TIMERECEIVED", "Time Received", "RCVDTIME", "RECEIVEDTIME",
                      "RECTIME", "TIMEREC", "TIMERECVD"),
    "date_created": ("DATECRTD", "DATE_CREATED", "DATECREATED", "Date Created", "CREATEDATE", "Creation Date",
                     "CREATED"),
    "time_created": ("TIMECRTD", "TIME_CREATED", "TIMECREATED", "Time Created", "CREATETIME", "CREATEDTIME",
                     "CRTDTIME"),
    "date_modified": ("DATESVD", "DATE_MOD", "DATEMOD", "DATEMODIFIED", "Date Last Modified", "Modified Date",
                      "LASTMODDATE", "Date Modified", "LASTMODIFIED", "DATESAVED", "MODDATE", "MODIFIEDDATE",
                      "LASTMOD", "LASTMODIFIEDDATE", "DATELASTMOD", "DATELASTMODIFIED", "LASTSAVEDDATE",
                      "DATELASTSAVED", "MODIFYDATE", "DATE_MODIFIED", "MOD_DATE", "LAST_MODIFIED"),
    "time_modified": ("TIMESVD", "TIME_MOD", "TIMEMOD", "Modified Time", "Time Modified", "MODTIME",
                      "MODIFIEDTIME", "LASTMODTIME", "LASTMODIFIEDTIME", "TIMELASTMOD", "TIMELASTMODIFIED",
                      "TIMESAVED", "LASTSAVEDTIME", "MODIFYTIME", "TIMEMODIFIED", "MOD_TIME"),
    "time_zone": ("TIMEZONE", "Time Offset Value", "TIME_ZONE", "TZ", "TIMEOFFSET", "TZOFFSET", "UTCOFFSET",
                  "TIMEZONEFIELD", "TIME_OFFSET", "TIMEZONEPROCESSED"),
    "filename": ("FILENAME", "FILE_NAME", "File Name", "ORIGFILENAME", "ORIGINALFILENAME", "DOCNAME"),
    "file_ext": ("FILE_EXTEN", "DOCEXT", "FILEEXT", "FILE_EXT", "EXTENSION", "Document Extension", "FILEEXTEN"),
    "file_size": ("FILESIZE", "FILE_SIZE", "SIZE", "Filesize"),
    "page_count": ("PGCOUNT", "PAGECOUNT", "PAGES", "PAGE_COUNT", "NUMPAGES", "PGCNT"),
    "md5": ("MD5HASH", "MD5 Hash", "MD5", "HASH", "MD5_HASH", "HASHVALUE"),
    "sha1": ("SHA1HASH", "SHA1", "SHA1 Hash", "SHA1_HASH"),
    "sha256": ("SHA256HASH", "SHA256", "SHA256 Hash"),
    "text_path": ("TEXTPATH", "OCRPATH", "Extracted Text", "TEXT_PATH", "TEXTLINK", "text_link", "OCR_PATH",
                  "TXTPATH"),
    "native_path": ("NATIVEPATH", "LINK", "DOCLINK", "NATIVE_PATH", "NATIVELINK", "native_link", "FILE_PATH",
                    "NATIVEFILE", "NATIVE", "FILEPATH"),
    "properties": ("PRPRTIES", "PROPERTIES", "DOCPROPERTIES"),
    "confidentiality": ("CONFIDENTIALITY", "CONFIDENTIAL", "DESIGNATION", "CONFDESIG"),
    "redacted": ("REDACTED", "REDACTION", "REDACTIONS"),
    "folder_path": ("FOLDER", "Folder Path", "FOLDERPATH", "SOURCEPATH", "Source Path", "ORIGINALPATH",
                    "FILEPATHORIG", "PATH"),
    "message_id": ("MESSAGEID", "message_id", "Message-ID", "INTMSGID", "EMAILMESSAGEID"),
    "in_reply_to": ("INREPLYTO", "In-Reply-To"),
    "references": ("REFERENCES",),
    "conversation_index": ("CONVERSATIONINDEX", "CONVINDEX", "THREADINDEX"),
    "doc_type": ("DOCTYPE", "DOC_TYPE", "RECORDTYPE", "Record Type", "DOCUMENTTYPE"),
    "source_device": ("SOURCEDEVICE", "Source Device", "MEDIA", "SOURCE_DEVICE", "SOURCEMEDIA", "DEVICE"),
    "production_path": ("PRODUCTIONPATH", "Production Path", "PROD_PATH", "PRODPATH"),
    "volume": ("VOLUME", "VOLUMENAME", "PRODVOL"),
    "group_identifier": ("GROUPIDENTIFIER", "Group Identifier", "GROUPID"),
    "duplicate_of": ("master_duplicate", "DUPLICATEOF", "MASTERDUPLICATE"),
    "processing_exception": ("processing_exception", "exception_link"),
}

CANONICAL_FIELDS: tuple[str, ...] = tuple(ALIASES)

# The name each canonical field takes in an exported DAT: what Concordance and Relativity users expect.
EXPORT_NAMES: dict[str, str] = {
    "bates_begin": "BEGBATES", "bates_end": "ENDBATES", "attach_begin": "BEGATTACH", "attach_end": "ENDATTACH",
    "parent_id": "PARENT_BATES", "attach_ids": "ATTACHIDS", "custodian": "CUSTODIAN", "from": "FROM", "to": "TO",
    "cc": "CC", "bcc": "BCC", "subject": "SUBJECT", "title": "TITLE", "author": "AUTHOR", "date_sent": "DATESENT",
    "filename": "FILENAME", "file_ext": "FILE_EXTEN", "page_count": "PGCOUNT", "md5": "MD5HASH",
    "message_id": "MESSAGEID", "text_path": "TEXTPATH", "native_path": "NATIVEPATH",
}


def normalize_name(name: str) -> str:
    """`Begin Bates`, `BEGIN_BATES` and `begin-bates` all become `beginbates`."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


_LOOKUP: dict[str, str] = {}
for _canonical, _names in ALIASES.items():
    _LOOKUP[normalize_name(_canonical)] = _canonical
    for _name in _names:
        _LOOKUP.setdefault(normalize_name(_name), _canonical)


@lru_cache(maxsize=4096)
def canonical_name(raw_name: str) -> str | None:
    """The canonical field a producer's column name stands for, or None when it is unknown."""
    return _LOOKUP.get(normalize_name(raw_name))


def canonicalize(raw: Mapping[str, str], overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Canonical fields from raw ones; the first non-empty column wins when two map to one name."""
    out: dict[str, str] = {}
    for name, value in raw.items():
        canonical = (overrides or {}).get(name) or canonical_name(name)
        if canonical and value.strip() and canonical not in out:
            out[canonical] = value.strip()
    return out


def unknown_fields(names: Iterable[str]) -> list[str]:
    """Columns the alias table does not know: reported so a reviewer can map them, never dropped."""
    return [n for n in names if canonical_name(n) is None and not re.fullmatch(r"FIELD\d+", n)]


_NAME_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9 _#()./&-]{0,63}$")


def looks_like_field_name(value: str) -> bool:
    return bool(_NAME_LIKE.match(value.strip()))
