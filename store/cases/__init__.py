"""Cases (排查对象): write functions, detail, table, 研判, overdue, visits, attachments."""
