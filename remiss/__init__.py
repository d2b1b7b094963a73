"""remiss: a Swedish city's consultation-response workflow (remisshantering)."""
