//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//
//
// GMime 3 composes Tandem's outgoing messages. Its API is GObject: casts are
// macros and ownership is reference counting, neither of which Swift can use
// directly. One function here builds a whole message from plain C strings and
// hands back its RFC 5322 text (CRLF line endings, ready for SMTP), so that no
// GObject ever crosses into Swift.
//
// GMime does the parts that are easy to get wrong by hand: RFC 2047 encoded words
// for non-ASCII display names and subjects, folding long header lines, choosing
// quoted-printable or base64 per part, and the multipart boundary.

#ifndef TANDEM_CGMIME_SHIM_H
#define TANDEM_CGMIME_SHIM_H

#include <gmime/gmime.h>
#include <string.h>

typedef struct {
    const char *from_name;        // may be NULL
    const char *from_address;
    const char *to_name;          // may be NULL
    const char *to_address;
    const char *reply_to;         // may be NULL
    const char *subject;          // UTF-8
    const char *message_id;       // without angle brackets: "id@host"
    const char *in_reply_to;      // may be NULL; "<id@host>"
    const char *references;       // may be NULL; "<a@host> <b@host>"
    const char *auto_submitted;   // may be NULL; e.g. "auto-generated"
    const char *list_unsubscribe; // may be NULL; e.g. "<https://…>"
    int list_unsubscribe_post;    // adds "List-Unsubscribe-Post: List-Unsubscribe=One-Click"
    long long date;               // seconds since the epoch (UTC)
    const char *text;             // UTF-8 plain text
    const char *html;             // may be NULL: then the message is text only
} tandem_mime_message;

/// Initializes GMime once per process (before any thread composes).
static inline void tandem_mime_init(void) {
    g_mime_init();
}

static inline GMimeObject *tandem_mime_text_part(const char *subtype, const char *text) {
    GMimeTextPart *part = g_mime_text_part_new_with_subtype(subtype);
    g_mime_text_part_set_text(part, text);
    // 7bit where it can, else quoted-printable or base64, whichever is smaller.
    GMimeContentEncoding encoding =
        g_mime_part_get_best_content_encoding(GMIME_PART(part), GMIME_ENCODING_CONSTRAINT_7BIT);
    g_mime_part_set_content_encoding(GMIME_PART(part), encoding);
    return GMIME_OBJECT(part);
}

/// Composes the message. Returns its text, NUL-terminated, with `*length` set;
/// release it with tandem_mime_free(). Returns NULL if GMime refused a value.
static inline char *tandem_mime_compose(const tandem_mime_message *m, size_t *length) {
    GMimeMessage *message = g_mime_message_new(TRUE);
    g_mime_message_add_mailbox(message, GMIME_ADDRESS_TYPE_FROM, m->from_name, m->from_address);
    g_mime_message_add_mailbox(message, GMIME_ADDRESS_TYPE_TO, m->to_name, m->to_address);
    if (m->reply_to != NULL) g_mime_message_add_mailbox(message, GMIME_ADDRESS_TYPE_REPLY_TO, NULL, m->reply_to);
    g_mime_message_set_subject(message, m->subject, "utf-8");
    g_mime_message_set_message_id(message, m->message_id);
    GDateTime *date = g_date_time_new_from_unix_utc(m->date);
    g_mime_message_set_date(message, date);
    g_date_time_unref(date);
    GMimeObject *object = GMIME_OBJECT(message);
    if (m->in_reply_to != NULL) g_mime_object_set_header(object, "In-Reply-To", m->in_reply_to, NULL);
    if (m->references != NULL) g_mime_object_set_header(object, "References", m->references, NULL);
    if (m->auto_submitted != NULL) g_mime_object_set_header(object, "Auto-Submitted", m->auto_submitted, NULL);
    if (m->list_unsubscribe != NULL) {
        g_mime_object_set_header(object, "List-Unsubscribe", m->list_unsubscribe, NULL);
        if (m->list_unsubscribe_post) {
            g_mime_object_set_header(object, "List-Unsubscribe-Post", "List-Unsubscribe=One-Click", NULL);
        }
    }

    GMimeObject *text = tandem_mime_text_part("plain", m->text);
    if (m->html != NULL) {
        GMimeMultipart *alternative = g_mime_multipart_new_with_subtype("alternative");
        GMimeObject *html = tandem_mime_text_part("html", m->html);
        // Least preferred first (RFC 2046 §5.1.4).
        g_mime_multipart_add(alternative, text);
        g_mime_multipart_add(alternative, html);
        g_object_unref(html);
        g_mime_message_set_mime_part(message, GMIME_OBJECT(alternative));
        g_object_unref(alternative);
    } else {
        g_mime_message_set_mime_part(message, text);
    }
    g_object_unref(text);

    GMimeFormatOptions *options = g_mime_format_options_new();
    g_mime_format_options_set_newline_format(options, GMIME_NEWLINE_FORMAT_DOS);
    char *composed = g_mime_object_to_string(object, options);
    g_mime_format_options_free(options);
    g_object_unref(message);
    if (composed != NULL) *length = strlen(composed);
    return composed;
}

static inline void tandem_mime_free(char *composed) {
    g_free(composed);
}

#endif
