//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//
//
// libcurl's SMTP client, as one call Swift can make.
//
// curl_easy_setopt and curl_easy_getinfo are variadic and do not import, and the
// upload needs a C read callback; so one blocking function here sets every option,
// uploads the message from memory and reports curl's code, the last SMTP reply
// code and curl's error text. It blocks: call it off the event loops.

#ifndef TANDEM_CCURL_SHIM_H
#define TANDEM_CCURL_SHIM_H

#include <curl/curl.h>
#include <string.h>

/// TLS for a `smtp://` URL: none, STARTTLS when the server offers it, STARTTLS
/// or fail. (A `smtps://` URL is TLS from the first byte whatever this says.)
typedef enum {
    TANDEM_SMTP_TLS_NONE = 0,
    TANDEM_SMTP_TLS_OPPORTUNISTIC = 1,
    TANDEM_SMTP_TLS_REQUIRED = 2,
} tandem_smtp_tls;

typedef struct {
    const char *url;              // smtp://host:port or smtps://host:port
    const char *mail_from;        // envelope sender (bare address)
    const char *const *recipients;
    size_t recipient_count;
    const char *username;         // NULL: no AUTH
    const char *password;
    tandem_smtp_tls tls;
    const char *ca_file;          // NULL: the system's CA store
    long connect_timeout_ms;
    long timeout_ms;              // the whole transfer
    const char *data;             // the message, CRLF line endings
    size_t length;
} tandem_smtp_request;

typedef struct {
    int curl_code;                // CURLcode
    long smtp_code;               // the last reply code the server sent (0: none)
    char error[CURL_ERROR_SIZE];  // curl's error text ("" when it had none)
} tandem_smtp_result;

typedef struct {
    const char *data;
    size_t length;
    size_t offset;
} tandem_smtp_upload;

static size_t tandem_smtp_read(char *buffer, size_t size, size_t count, void *context) {
    tandem_smtp_upload *upload = (tandem_smtp_upload *) context;
    size_t room = size * count;
    size_t left = upload->length - upload->offset;
    size_t n = left < room ? left : room;
    memcpy(buffer, upload->data + upload->offset, n);
    upload->offset += n;
    return n;
}

/// Initializes libcurl once per process (before any thread calls tandem_smtp_send).
static inline int tandem_curl_global_init(void) {
    return (int) curl_global_init(CURL_GLOBAL_DEFAULT);
}

/// libcurl's version text, e.g. "libcurl/7.88.1 OpenSSL/3.0.x ...".
static inline const char *tandem_curl_version(void) {
    return curl_version();
}

/// Sends one message over SMTP; fills `result`. Blocks for at most about
/// `timeout_ms`. Never raises SIGPIPE or uses signals (CURLOPT_NOSIGNAL).
static inline void tandem_smtp_send(const tandem_smtp_request *request, tandem_smtp_result *result) {
    memset(result, 0, sizeof *result);
    CURL *curl = curl_easy_init();
    if (curl == NULL) {
        result->curl_code = CURLE_FAILED_INIT;
        strcpy(result->error, "curl_easy_init failed");
        return;
    }
    struct curl_slist *recipients = NULL;
    for (size_t i = 0; i < request->recipient_count; i++) {
        recipients = curl_slist_append(recipients, request->recipients[i]);
    }
    tandem_smtp_upload upload = {request->data, request->length, 0};
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, result->error);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(curl, CURLOPT_URL, request->url);
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, request->mail_from);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t) request->length);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, tandem_smtp_read);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, request->connect_timeout_ms);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, request->timeout_ms);
    switch (request->tls) {
        case TANDEM_SMTP_TLS_NONE: curl_easy_setopt(curl, CURLOPT_USE_SSL, (long) CURLUSESSL_NONE); break;
        case TANDEM_SMTP_TLS_OPPORTUNISTIC: curl_easy_setopt(curl, CURLOPT_USE_SSL, (long) CURLUSESSL_TRY); break;
        case TANDEM_SMTP_TLS_REQUIRED: curl_easy_setopt(curl, CURLOPT_USE_SSL, (long) CURLUSESSL_ALL); break;
    }
    if (request->ca_file != NULL) curl_easy_setopt(curl, CURLOPT_CAINFO, request->ca_file);
    if (request->username != NULL) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, request->username);
        curl_easy_setopt(curl, CURLOPT_PASSWORD, request->password != NULL ? request->password : "");
    }
    result->curl_code = (int) curl_easy_perform(curl);
    long code = 0;
    if (curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK) result->smtp_code = code;
    curl_slist_free_all(recipients);
    curl_easy_cleanup(curl);
}

/// curl's description of a code.
static inline const char *tandem_curl_strerror(int code) {
    return curl_easy_strerror((CURLcode) code);
}

#endif
