#include "sd_err.h"

#include <errno.h>
#include <string.h>

const char *
sd_strerror(int err)
{
	switch (err) {
	case SD_OK: return "success";
	case SD_E_NOMEM: return "out of memory";
	/* the system's reason, when the failing call left one */
	case SD_E_IO: return errno != 0 ? strerror(errno) : "input/output error";
	case SD_E_TOOBIG: return "input exceeds the size limit";
	case SD_E_INVAL: return "invalid input";
	case SD_E_MAGIC: return "not a sealdrop envelope (bad magic)";
	case SD_E_VERSION: return "unsupported envelope version";
	case SD_E_TRUNCATED: return "envelope is truncated";
	case SD_E_TRAILING: return "envelope has bytes after its last section";
	case SD_E_SECTIONS: return "envelope sections are missing, out of order or of unknown type";
	case SD_E_LENGTH: return "section length does not match its chunking";
	case SD_E_CHANNEL: return "envelope is not addressed to this channel";
	case SD_E_RECIPIENTS: return "envelope recipients are not the channel's keys";
	case SD_E_NO_KEY: return "this key is not a recipient of the section";
	case SD_E_UNSEAL: return "the sealed section key does not open with this key";
	case SD_E_DECRYPT: return "section fails authentication (modified, moved or re-addressed)";
	case SD_E_PADDING: return "section padding is invalid";
	case SD_E_ROLE: return "key has the wrong role for this use";
	case SD_E_CONFIDENTIAL: return "its total is confidential, so no table of it can be published";
	case SD_E_RANGE: return "a figure would pass 9007199254740992, the largest kept exactly";
	case SD_E_PUBKEY: return "this is a public key file; give the secret .key file";
	case SD_E_PASSPHRASE: return "wrong passphrase";
	case SD_E_KEYFILE: return "key file is damaged or was modified";
	case SD_E_EXISTS: return "output file exists (use --force to overwrite)";
	case SD_E_SIGNATURE: return "signature does not verify";
	case SD_E_AUTHORITY: return "signed by another authority than the pinned one";
	case SD_E_EXPIRED: return "channel descriptor has expired";
	case SD_E_FORMAT: return "document is malformed";
	case SD_E_CODE: return "not a follow-up code (it looks like FU-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX, letters A-Z and digits 2-7)";
	default: return "unknown error";
	}
}
