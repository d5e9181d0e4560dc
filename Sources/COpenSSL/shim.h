// The system's OpenSSL 3 libcrypto, for RSA signatures only (docs/decisions.md, "RSA on the
// system's OpenSSL"): the EVP interfaces that parse a DER private key and sign or verify.
#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#endif
