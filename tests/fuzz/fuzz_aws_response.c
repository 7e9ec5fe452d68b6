/* libFuzzer target: everything src/aws parses from the network or from
 * shared files: the XML reader, error documents of each protocol, the
 * credentials JSON of container/IMDS/credential_process, and the INI
 * parser of ~/.aws/config.  Properties: no crash or leak; a parsed XML
 * tree's text never exceeds the input. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "seckit/aws.h"
#include "src/aws/client.h"
#include "src/aws/xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t total_text(const skt_xml_node *n)
{
    size_t t = 0;
    for (; n != NULL; n = n->next)
        t += n->text_len + total_text(n->child);
    return t;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    seckit_error err;
    skt_xml_node *root = NULL;
    if (skt_xml_parse(data, size, &root, &err) == 0) {
        if (total_text(root) > size)
            abort();
        skt_xml_free(root);
    }
    for (int p = SECKIT_AWS_PROTO_REST_XML; p <= SECKIT_AWS_PROTO_QUERY; p++) {
        int rc = skt_aws_parse_error(p, 400, "POST", data, size, NULL, "fuzz", &err);
        if (rc != SECKIT_EAWS && rc != SECKIT_EAWSAUTH)
            abort();
        if (strlen(err.aws_code) >= sizeof err.aws_code)
            abort();
    }
    seckit_aws_credentials c;
    (void)skt_aws_parse_credentials_json((const char *)data, size, "fuzz", &c, &err);
    skt_ini ini;
    if (skt_ini_parse((const char *)data, size, &ini, &err) == 0)
        skt_ini_free(&ini);
    return 0;
}
