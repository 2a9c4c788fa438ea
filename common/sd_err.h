/* Error codes shared by every module. Functions return 0 (SD_OK) or a
 * negative sd_err; sd_strerror() gives the one-line text a user sees (for
 * SD_E_IO the system's reason in errno, so call it right away). */
#ifndef SD_ERR_H
#define SD_ERR_H

enum sd_err {
	SD_OK = 0,
	SD_E_NOMEM = -1,        /* out of memory */
	SD_E_IO = -2,           /* a file could not be read or written */
	SD_E_TOOBIG = -3,       /* input exceeds a hard limit */
	SD_E_INVAL = -4,        /* bad argument or malformed input */
	/* envelope structure */
	SD_E_MAGIC = -10,       /* not a sealdrop envelope */
	SD_E_VERSION = -11,     /* unsupported envelope version */
	SD_E_TRUNCATED = -12,   /* envelope ends early */
	SD_E_TRAILING = -13,    /* bytes after the last section */
	SD_E_SECTIONS = -14,    /* section count/order/type wrong */
	SD_E_LENGTH = -15,      /* body_len inconsistent with chunking */
	SD_E_CHANNEL = -16,     /* channel_id not the channel's */
	SD_E_RECIPIENTS = -17,  /* recipient key ids not those of the channel */
	/* opening */
	SD_E_NO_KEY = -20,      /* the key is not a recipient of the section */
	SD_E_UNSEAL = -21,      /* the sealed section key does not open */
	SD_E_DECRYPT = -22,     /* a chunk fails authentication */
	SD_E_PADDING = -23,     /* padding is not canonical */
	SD_E_ROLE = -24,        /* key of the wrong role for this use */
	/* keys and channel */
	SD_E_PASSPHRASE = -30,  /* wrong passphrase */
	SD_E_KEYFILE = -31,     /* key file damaged or modified */
	SD_E_EXISTS = -32,      /* output exists and --force was not given */
	SD_E_SIGNATURE = -33,   /* signature does not verify */
	SD_E_AUTHORITY = -34,   /* signed by another authority than the pinned one */
	SD_E_EXPIRED = -35,     /* channel descriptor has expired */
	SD_E_FORMAT = -36,      /* document format/field invalid */
	SD_E_PUBKEY = -37,      /* a public key file where a secret one is needed */
	SD_E_CONFIDENTIAL = -38, /* a figure that must be published fails a rule */
	SD_E_RANGE = -39,       /* a sum passes what figures keep exactly */
	SD_E_CODE = -40,        /* not a follow-up code */
};

const char *sd_strerror(int err);

#endif
