"""Print-ready .xlsx and .docx files written from the store."""
