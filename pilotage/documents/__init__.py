"""Official documents as DOCX (docxtpl) and PDF (WeasyPrint): the rendering core only (floor 3, ADR 0008).

`registry.py` (`register_document`: each domain declares its documents in its `AppConfig.ready`), `rendering.py`
(`render_docx`, `render_pdf`, `document_download`, `docx_text`, `pdf_text`, `money`, the sandbox of ADR 0013),
`words.py` (amounts in words), `DocumentTemplate` (an administrator's replacement templates, checked at upload)."""
