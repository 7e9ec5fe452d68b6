/* policy/inputs: lint one extracted policy with its own type and report the
 * findings' positions in the input file. */
#include "config.h"

#include <string.h>

#include "policy/json_internal.h"
#include "seckit/policy.h"
#include "seckit/policy_inputs.h"
#include "src/base/guard.h"

static seckit_position to_policy_pos(const seckit_input_position *p)
{
    seckit_position q;
    q.line = p->line;
    q.column = p->column;
    q.offset = p->offset;
    return q;
}

static void remap(const seckit_policy_input *in, seckit_position *p)
{
    if (p->line == 0)
        return; /* no position */
    seckit_input_position q = seckit_policy_input_locate(in, p->offset, p->line, p->column);
    *p = to_policy_pos(&q);
}

int seckit_policy_input_lint(const seckit_policy_input *in, const seckit_policy_lint_options *opts,
                             seckit_policy_findings **out, seckit_error *err)
{
    SKT_ENSURE_ARG(in != NULL && in->text != NULL && out != NULL, err);
    seckit_policy_lint_options o;
    if (opts != NULL) {
        o = *opts;
    } else {
        memset(&o, 0, sizeof(o));
        o.type = SECKIT_POLICY_IDENTITY;
    }
    if (in->type_known) {
        o.type = in->type;
        o.resource_type = in->resource_type;
    }
    memset(&o.base, 0, sizeof(o.base));
    /* The policy's tree (read from the file: positions in the file; or
     * built with the written text: positions in that text), so the text is
     * not parsed again.  SCPs and RCPs count whitespace against their
     * quota, which the tree cannot tell: those are linted from the text. */
    if (in->tree != NULL && o.type != SECKIT_POLICY_SCP && o.type != SECKIT_POLICY_RCP) {
        /* The quota count of the text (no policy quota is under 2048, so a
         * text that short needs no count).  A written policy's tree has
         * positions in its text, mapped below as the text's would be. */
        size_t size = in->text_len <= 2048 ? in->text_len
                                           : skt_json_text_nonws_chars(in->text, in->text_len);
        skt_json_set_size_hint(in->tree, size);
        int rc = seckit_policy_lint_tree(in->tree, &o, out, err);
        skt_json_set_size_hint(NULL, 0);
        SKT_GUARD(rc);
    } else {
        if (in->exact)
            o.base = to_policy_pos(&in->base); /* the linter shifts its own positions */
        SKT_GUARD(seckit_policy_lint(in->text, in->text_len, &o, out, err));
    }
    if (!in->exact) {
        for (size_t i = 0; i < (*out)->count; i++) {
            remap(in, &(*out)->items[i].span.start);
            remap(in, &(*out)->items[i].span.end);
        }
    }
    return 0;
}
