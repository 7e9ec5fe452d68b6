/* seckit s3 encrypt|decrypt: S3 client-side encryption offline (no S3 call):
 * an object body and its metadata (the JSON map `aws s3 cp --metadata
 * file://meta.json` takes) in, the other side out.  Dispatched from
 * cmd_s3.c, whose usage text includes the lines below. */
#ifndef SECKIT_CLI_CMD_S3CSE_H
#define SECKIT_CLI_CMD_S3CSE_H

#include "src/cli/s3cse_opts.h"

#define CLI_S3CSE_OFFLINE_SYNOPSIS                                                                 \
    "       seckit s3 encrypt KEY-OPTION [--in FILE] [--out FILE] --metadata-out FILE\n"           \
    "                         [--instruction-file-out FILE] [--envelope v3|v2]\n"                  \
    "                         [--commitment-policy POLICY]\n"                                      \
    "       seckit s3 decrypt KEY-OPTION... [--in FILE] --metadata FILE\n"                         \
    "                         [--instruction-file FILE] [--out FILE] [--max-buffer SIZE]\n"        \
    "                         [--delayed-authentication] [--security-profile PROFILE]\n"           \
    "                         [--commitment-policy POLICY] [--encryption-context K=V]...\n"

#define CLI_S3CSE_OFFLINE_USAGE                                                                    \
    "encrypt and decrypt are S3 client-side encryption without S3, byte-compatible\n"              \
    "with the AWS S3 Encryption Clients: encrypt writes the object body\n"                         \
    "(ciphertext and GCM tag) and the metadata to store with it as the JSON map\n"                 \
    "that `aws s3 cp --metadata file://FILE` takes (and, with\n"                                   \
    "--instruction-file-out, the instruction file to store as KEY.instruction);\n"                 \
    "decrypt reads a body and that map, or `aws s3api head-object` output (its\n"                  \
    "\"Metadata\"), and the instruction file when the envelope is in one.  Both\n"                 \
    "stream with constant memory.  Decryption to --out FILE writes a temporary\n"                  \
    "file renamed into place only after the tag verified; to standard output it\n"                 \
    "holds the plaintext in memory up to --max-buffer and refuses larger objects,\n"               \
    "unless --delayed-authentication.  On any failure nothing is written.\n"                       \
    "\n"                                                                                           \
    "encrypt/decrypt options:\n"                                                                   \
    "  --in FILE             the plaintext (encrypt) or object body (decrypt);\n"                  \
    "                        default standard input\n"                                             \
    "  --out FILE            the object body (encrypt) or plaintext (decrypt, mode\n"              \
    "                        0600); replaced atomically; default standard output\n"                \
    "  --metadata-out FILE   encrypt: write the object metadata (JSON map)\n"                      \
    "  --instruction-file-out FILE\n"                                                              \
    "                        encrypt: put the envelope in an instruction file\n"                   \
    "  --metadata FILE       decrypt: the object metadata (JSON map or head-object\n"              \
    "                        output; names with or without x-amz-meta-)\n"                         \
    "  --instruction-file FILE\n"                                                                  \
    "                        decrypt: the object's instruction file\n"                             \
    "  --max-buffer SIZE, --buffer-limit SIZE\n"                                                   \
    "                        decrypt to standard output: hold at most SIZE bytes\n"                \
    "                        (default 64MiB; K, M, G suffixes)\n"

/* The key and envelope options of encrypt and decrypt (the same as cp's). */
#define CLI_S3CSE_OFFLINE_KEY_USAGE                                                                \
    "Key options (encrypt, decrypt):\n" CLI_S3CSE_USAGE_KEYS                                       \
    "  --envelope v3|v2      the format written: v3 (key-committing, default) or v2\n"             \
    "                        (needs forbid-encrypt-allow-decrypt)\n"                               \
    "  --commitment-policy POLICY\n"                                                               \
    "                        require-encrypt-require-decrypt (default: write v3,\n"                \
    "                        read v3 only), require-encrypt-allow-decrypt (read v2\n"              \
    "                        and v1 too) or forbid-encrypt-allow-decrypt (write v2)\n"             \
    "  --security-profile v2|v2-and-legacy\n"                                                      \
    "                        v2-and-legacy also reads V1 objects (AES-CBC content)\n"              \
    "                        and the legacy key wraps\n"                                           \
    "  --delayed-authentication\n"                                                                 \
    "                        decrypt to standard output as it goes, before the tag\n"              \
    "                        is checked (a failure then exits 4 after output)\n"

/* argv[0] is "encrypt" or "decrypt". */
int cli_s3cse_offline_run(int argc, char **argv);

#endif
