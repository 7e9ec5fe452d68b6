/* Internal: the libcurl version linked in. */
#ifndef SECKIT_AWS_CURL_VERSION_H
#define SECKIT_AWS_CURL_VERSION_H
const char *skt_curl_version(void);
#endif
