/* libFuzzer target: the policy compiler and evaluator (seckit/eval.h).  The
 * input is compiled as a policy in every role, and read as the output of
 * get-account-authorization-details; every compiled set decides a few fixed
 * requests whose context values of every type are taken from the input's
 * tail (so the request-value parsers see fuzzed text too).
 * Properties: no crash, no leak; a decision is one of the three; a refused
 * policy adds nothing. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "seckit/eval.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void decide(const seckit_policy_set *set, const char *tail)
{
    static const char *const principals[] = {"arn:aws:iam::111122223333:user/alice",
                                             "arn:aws:sts::111122223333:assumed-role/Dev/s1",
                                             "arn:aws:iam::444455556666:user/bob",
                                             "ec2.amazonaws.com", NULL};
    static const char *const resources[] = {"arn:aws:s3:::bucket/alice/k", "*",
                                            "arn:aws:sqs:us-east-1:111122223333:q"};
    const char *vals[1] = {tail};
    const char *list[3] = {tail, "a", tail};
    seckit_context_entry ctx[SECKIT_CONTEXT_TYPE_COUNT_ + 2];
    static const char *const keys[SECKIT_CONTEXT_TYPE_COUNT_] = {"aws:PrincipalTag/team",
                                                                 "aws:TagKeys",
                                                                 "aws:MultiFactorAuthAge",
                                                                 "k:numbers",
                                                                 "aws:SecureTransport",
                                                                 "k:bools",
                                                                 "aws:CurrentTime",
                                                                 "k:dates",
                                                                 "aws:SourceIp",
                                                                 "k:ips",
                                                                 "k:bin",
                                                                 "k:bins"};
    for (int t = 0; t < SECKIT_CONTEXT_TYPE_COUNT_; t++) {
        ctx[t].key = keys[t];
        ctx[t].type = (seckit_context_type)t;
        ctx[t].values = seckit_context_type_is_list((seckit_context_type)t) ? list : vals;
        ctx[t].count = seckit_context_type_is_list((seckit_context_type)t) ? 3 : 1;
    }
    ctx[SECKIT_CONTEXT_TYPE_COUNT_] =
        (seckit_context_entry){"aws:username", SECKIT_CONTEXT_STRING, vals, 1};
    ctx[SECKIT_CONTEXT_TYPE_COUNT_ + 1] =
        (seckit_context_entry){"aws:SourceArn", SECKIT_CONTEXT_STRING, vals, 1};
    for (size_t p = 0; p < sizeof principals / sizeof principals[0]; p++)
        for (size_t r = 0; r < sizeof resources / sizeof resources[0]; r++)
            for (int withctx = 0; withctx < 2; withctx++) {
                seckit_eval_request req = {principals[p],
                                           p % 2 ? "s3:GetObject" : "sqs:SendMessage",
                                           resources[r],
                                           r == 0 && p == 2 ? "111122223333" : NULL,
                                           withctx ? ctx : NULL,
                                           withctx ? sizeof ctx / sizeof ctx[0] : 0};
                seckit_eval_result *res = NULL;
                seckit_error err;
                if (seckit_policy_eval(set, &res, &req, &err) == 0) {
                    seckit_decision d = seckit_eval_result_decision(res);
                    if (d != SECKIT_DECISION_ALLOWED && d != SECKIT_DECISION_EXPLICIT_DENY &&
                        d != SECKIT_DECISION_IMPLICIT_DENY)
                        abort();
                    const seckit_eval_statement *st;
                    const char *const *keys_missing;
                    size_t n = seckit_eval_result_statements(res, &st);
                    for (size_t i = 0; i < n; i++)
                        if (st[i].policy == NULL || (unsigned)st[i].role >= SECKIT_EVAL_ROLE_COUNT_)
                            abort();
                    n = seckit_eval_result_missing_keys(res, &keys_missing);
                    for (size_t i = 0; i < n; i++)
                        if (keys_missing[i] == NULL)
                            abort();
                    (void)seckit_eval_result_reason(res);
                    seckit_eval_result_free(res);
                }
            }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    const char *text = (const char *)data;
    /* the tail: the last up to 48 bytes, as a string without NULs */
    char tail[49];
    size_t tl = size < 48 ? size : 48, k = 0;
    for (size_t i = size - tl; i < size; i++)
        if (data[i] != 0)
            tail[k++] = (char)data[i];
    tail[k] = '\0';
    seckit_error err;
    seckit_policy_set *all = NULL;
    if (seckit_policy_set_new(&all, &err) != 0)
        return 0;
    for (int role = 0; role < SECKIT_EVAL_ROLE_COUNT_; role++) {
        seckit_policy_set *set = NULL;
        if (seckit_policy_set_new(&set, &err) != 0)
            break;
        int rc = seckit_policy_set_add(set, (seckit_eval_role)role, "fuzz", "fuzz.json", text, size,
                                       &err);
        if (rc != 0 && seckit_policy_set_count(set, (seckit_eval_role)role) != 0)
            abort();
        if (rc == 0) {
            decide(set, tail);
            /* 0 or a negative code (a limit of the larger set), never anything else. */
            if (seckit_policy_set_add(all, (seckit_eval_role)role, "fuzz", NULL, text, size, &err) >
                0)
                abort();
        }
        seckit_policy_set_free(set);
    }
    decide(all, tail);
    seckit_policy_set_free(all);
    seckit_policy_set *ad = NULL;
    if (seckit_policy_set_new(&ad, &err) == 0) {
        if (seckit_policy_set_add_authorization_details(ad, "auth.json", text, size,
                                                        "arn:aws:iam::111122223333:user/alice",
                                                        &err) == 0)
            decide(ad, tail);
        seckit_policy_set_free(ad);
    }
    return 0;
}
