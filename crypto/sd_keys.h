/* Key files (after minisign): text, an "untrusted comment:" line and one line
 * of base64.
 *
 * Secret key file payload (little-endian):
 *   "SDK1" | role:u8 | kdf:u8 (1 = Argon2id v1.3) | aead:u8 (1 =
 *   XChaCha20-Poly1305-IETF) | reserved:u8 (0) | opslimit:u64 | memlimit:u64 |
 *   salt:16 | nonce:24 | ciphertext(secret key) + tag:16 | check:32
 * The AEAD additional data is every byte before the ciphertext; check =
 * BLAKE2b-256 of every byte before it, so a damaged file is told apart from a
 * wrong passphrase. Secret keys: X25519 32 bytes (stats, details); Ed25519
 * 64 bytes (seed | public key; authority, ack, receipt).
 *
 * Public key file: "untrusted comment: sealdrop <role> public key <key_id>"
 * and the base64 of the raw 32-byte key. */
#ifndef SD_KEYS_H
#define SD_KEYS_H

#include <stddef.h>
#include <stdint.h>

enum sd_role {
	SD_ROLE_NONE = 0,
	SD_ROLE_STATS = 1,      /* X25519 */
	SD_ROLE_DETAILS = 2,    /* X25519 */
	SD_ROLE_AUTHORITY = 3,  /* Ed25519 */
	SD_ROLE_ACK = 4,        /* Ed25519 */
	SD_ROLE_RECEIPT = 5,    /* Ed25519 */
};

#define SD_PK_BYTES 32
#define SD_KEY_ID_BYTES 8

enum sd_kdf_level { SD_KDF_INTERACTIVE, SD_KDF_MODERATE, SD_KDF_SENSITIVE };

const char *sd_role_name(enum sd_role r);
enum sd_role sd_role_parse(const char *s);  /* SD_ROLE_NONE if unknown */
int sd_role_is_box(enum sd_role r);         /* X25519 roles */

/* key_id = first 8 bytes of BLAKE2b-256(pk) */
void sd_key_id(uint8_t id[SD_KEY_ID_BYTES], const uint8_t pk[SD_PK_BYTES]);

typedef struct sd_seckey sd_seckey;   /* lives in sodium_malloc memory */

/* Generate a key pair of role and write base.key (0600) and base.pub.
 * Refuses with SD_E_EXISTS if either exists unless force. */
int sd_keygen(enum sd_role role, const char *base, const char *pass,
    size_t passlen, enum sd_kdf_level kdf, int force);
/* Write k as a secret key file (0600) protected by pass. */
int sd_seckey_write(const sd_seckey *k, const char *path, const char *pass,
    size_t passlen, enum sd_kdf_level kdf, int force);
/* Load and decrypt a secret key file. SD_E_PASSPHRASE, SD_E_KEYFILE, ... */
int sd_seckey_load(const char *path, const char *pass, size_t passlen,
    sd_seckey **out);
void sd_seckey_free(sd_seckey *k);
/* A key from raw bytes (test vectors, fixed keys): X25519 secret key (32)
 * or Ed25519 seed (32). */
int sd_seckey_from_raw(enum sd_role role, const uint8_t raw[32],
    sd_seckey **out);
enum sd_role sd_seckey_role(const sd_seckey *k);
const uint8_t *sd_seckey_pk(const sd_seckey *k);  /* 32 bytes */
/* 32 (X25519) or 64 (Ed25519) bytes, in guarded memory */
const uint8_t *sd_seckey_sk(const sd_seckey *k);
/* Ed25519 detached signature; SD_E_ROLE for an X25519 key */
int sd_seckey_sign(const sd_seckey *k, uint8_t sig[64], const uint8_t *m,
    size_t mlen);

/* A public key given as a file path or as the base64 string itself. The role
 * comes from the file's comment line; for a bare string it may be prefixed
 * "stats:" / "details:" etc., else SD_ROLE_NONE. */
int sd_pubkey_load(const char *path_or_b64, enum sd_role *role,
    uint8_t pk[SD_PK_BYTES]);
int sd_pubkey_write(const char *path, enum sd_role role,
    const uint8_t pk[SD_PK_BYTES], int force);

/* Passphrase for a secret key, in this order: --passphrase-file (file, first
 * line), SEALDROP_PASSPHRASE, the terminal without echo (asked twice when
 * confirm). Returns a sodium_malloc'ed NUL-terminated string or NULL with
 * *err set. */
char *sd_passphrase_get(const char *passfile, const char *prompt, int confirm,
    int *err);
void sd_passphrase_free(char *p);
/* Why sd_passphrase_get failed with err, in words that name where it
 * looked (the --passphrase-file, SEALDROP_PASSPHRASE or the terminal) and
 * what to do; written to buf, which is returned. Call it right after the
 * failure: for SD_E_IO it reads errno. */
const char *sd_passphrase_why(char *buf, size_t cap, const char *passfile,
    int err);

#endif
