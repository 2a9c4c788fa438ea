{
  "format": "sealdrop.ack/1",
  "body": "eyJjaGFubmVsX2lkIjoiMDZjMmJlNzk5ODg1OGU1YWU2ZjdjMTNmNjA2OGM2ZGUiLCJyZWNlaXB0cyI6WyJvNXlqMjVlbWVvbGV6dnd0dTRwYTM1M3R4cXJqbWk2ZCIsImFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhIl19",
  "signature": "OOD3ZNEsjkQUVs8SviiEtpajLLazXUSZmlAfgkKXPR9mwsJjGEG7PZ0tjIAZ4UaYN1Zi4pSgHbMdwzbY6cWACw==",
  "ack_key": "iodf/x6zhFFXes1a/uQFRWVo3XyJ4JCGOgVXvHr0nxc="
}