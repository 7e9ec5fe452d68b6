#include "config.h"

#include <curl/curl.h>

#include "src/aws/curl_version.h"

const char *skt_curl_version(void)
{
    return curl_version_info(CURLVERSION_NOW)->version;
}
