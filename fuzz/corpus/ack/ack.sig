{
  "format": "sealdrop.ack/1",
  "body": "eyJjaGFubmVsX2lkIjoiMDZjMmJlNzk5ODg1OGU1YWU2ZjdjMTNmNjA2OGM2ZGUiLCJyZWNlaXB0cyI6WyJvNXlqMjVlbWVvbGV6dnd0dTRwYTM1M3R4cXJqbWk2ZCIsImFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhIl19",
  "signature": "FTnq0Zi4vg90uwJNLWexaU/xI6W/LLSoqnICL8EuOBbF+/9QgoC1xF7DCF/opsb1mlIah7nbWCHC+qbIsRKFCQ==",
  "ack_key": "bnoc3Smwt4/ROvTFWY/v9O8qlxZuPKby5Pv8zYBQW/E="
}