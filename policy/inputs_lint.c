/* policy/inputs: lint one extracted policy with its own type and report the
 * findings' positions in the input file. */
#include "config.h"

#include <string.h>

#include "policy/internal.h"
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
     * built with the written text: positions in that text) is linted, so
     * the text is not parsed again; the text still gives the size quotas
     * their count. */
    if (in->tree != NULL) {
        SKT_GUARD(skt_policy_lint_tree_text(in->tree, in->text, in->text_len, &o, out, err));
    } else {
        if (in->exact)
            o.base = to_policy_pos(&in->base); /* the linter shifts its own positions */
        SKT_GUARD(seckit_policy_lint(in->text, in->text_len, &o, out, err));
    }
    if (!in->exact) {
        for (size_t i = 0; i < (*out)->count; i++) {
            remap(in, &(*out)->items[i].span.start);
            remap(in, &(*out)->items[i].span.end);
            /* (the linter's own locations: not shared with other findings) */
            seckit_policy_location *more = (seckit_policy_location *)(*out)->items[i].more_locations;
            for (size_t k = 0; k < (*out)->items[i].more_count; k++) {
                remap(in, &more[k].span.start);
                remap(in, &more[k].span.end);
            }
        }
    }
    return 0;
}
