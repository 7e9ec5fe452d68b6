/* seckit_aws_pool: one libcurl share handle (connections, DNS, TLS
 * sessions) for clients in several threads, locked with one mutex per kind
 * of shared data. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>

#include <curl/curl.h>

#include "src/aws/client.h"
#include "src/base/guard.h"

struct seckit_aws_pool {
    CURLSH *share;
    pthread_mutex_t locks[CURL_LOCK_DATA_LAST];
    int nlocks; /* initialised so far */
};

static void pool_lock(CURL *handle, curl_lock_data data, curl_lock_access access, void *ctx)
{
    (void)handle;
    (void)access;
    seckit_aws_pool *p = ctx;
    if ((int)data >= 0 && (int)data < p->nlocks)
        pthread_mutex_lock(&p->locks[data]);
}

static void pool_unlock(CURL *handle, curl_lock_data data, void *ctx)
{
    (void)handle;
    seckit_aws_pool *p = ctx;
    if ((int)data >= 0 && (int)data < p->nlocks)
        pthread_mutex_unlock(&p->locks[data]);
}

int seckit_aws_pool_new(seckit_aws_pool **out, seckit_error *err)
{
    SKT_ENSURE_ARG(out != NULL, err);
    *out = NULL;
    SKT_ENSURE(curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK, err, SECKIT_ENETWORK,
               "libcurl initialisation failed");
    seckit_aws_pool *p = calloc(1, sizeof(*p));
    SKT_ENSURE(p != NULL, err, SECKIT_ENOMEM, "out of memory");
    for (; p->nlocks < CURL_LOCK_DATA_LAST; p->nlocks++)
        if (pthread_mutex_init(&p->locks[p->nlocks], NULL) != 0)
            break;
    p->share = curl_share_init();
    if (p->nlocks < CURL_LOCK_DATA_LAST || p->share == NULL) {
        seckit_aws_pool_free(p);
        return seckit_error_set(err, SECKIT_ENOMEM, "libcurl: cannot make a connection pool");
    }
    int bad = curl_share_setopt(p->share, CURLSHOPT_LOCKFUNC, pool_lock) != CURLSHE_OK ||
              curl_share_setopt(p->share, CURLSHOPT_UNLOCKFUNC, pool_unlock) != CURLSHE_OK ||
              curl_share_setopt(p->share, CURLSHOPT_USERDATA, p) != CURLSHE_OK ||
              curl_share_setopt(p->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) != CURLSHE_OK ||
              curl_share_setopt(p->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) !=
                  CURLSHE_OK ||
              curl_share_setopt(p->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT) != CURLSHE_OK;
    if (bad) {
        seckit_aws_pool_free(p);
        return seckit_error_set(err, SECKIT_ENETWORK,
                                "libcurl: this libcurl cannot share connections between threads");
    }
    *out = p;
    return 0;
}

void seckit_aws_pool_free(seckit_aws_pool *pool)
{
    if (pool == NULL)
        return;
    if (pool->share != NULL)
        curl_share_cleanup(pool->share);
    for (int i = 0; i < pool->nlocks; i++)
        pthread_mutex_destroy(&pool->locks[i]);
    free(pool);
}

void seckit_aws_set_pool(seckit_aws *aws, seckit_aws_pool *pool)
{
    if (aws != NULL)
        aws->share = pool != NULL ? pool->share : NULL;
}
