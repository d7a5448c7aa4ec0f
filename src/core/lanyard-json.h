/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "lanyard-store.h"

G_BEGIN_DECLS

/*
 * lanyard-json: the JSON form of what crosses the store interface — the
 * wire format of the server (lanyardd) and the remote store, with the same
 * member names as lanyardctl --json.
 *
 * Model objects (person, facility, door, scope, access rule, grant, audit
 * event) are JSON objects with one member per readable GObject property,
 * named like the property ("first-name", "access-enabled"), in the order
 * the properties are installed:
 *
 *  - integers as JSON integers, over the full 64-bit range (ids and
 *    versions never go through a double);
 *  - booleans as true or false;
 *  - strings as strings, NULL as null;
 *  - enums as their nicks ("manual", "send-failed"): the stable names the
 *    GEnum types of lanyard-enums give them, never their numbers;
 *  - string lists as arrays of strings; an empty (or NULL) list is [];
 *  - schedules in their canonical text form (lanyard-schedule.h), none
 *    (always open) as null;
 *  - timestamps — int64 properties called "at" or ending in "-at" — as
 *    integers: microseconds since the Unix epoch, UTC, exactly what the
 *    model holds (ISO 8601 text would drop the microseconds, and with them
 *    keyset cursors and "changed since" comparisons). 0, which the model
 *    uses for "never", is written as null. On reading, an ISO 8601 date
 *    and time with a time zone ("2025-03-14T21:30:00Z") is accepted too,
 *    so that the CLI's --json output reads back; it is never written.
 *
 * Members that are not properties, because the model keeps them outside
 * GObject properties: a scope's "door-ids" and a rule's "target-ids", as
 * arrays of ids. An audit event's "changes" (JSON text in the model) is
 * embedded as the JSON object it holds, as lanyardctl does; text that is
 * not a JSON object or array stays a string.
 *
 * Computed properties (a person's "has-access" and "grant-count") are
 * written and, on reading, set like the others: what a server trusts of
 * what a client sends is the store's decision, not the codec's.
 *
 * Reading: a missing member keeps the property's default (as
 * g_object_new() would); members the type does not know are ignored, so
 * an older client reads a newer server's records. null is accepted where
 * the model has a "none" (strings, lists, schedules, timestamps); an
 * integer, a boolean or an enum must be given or left out. A member of the
 * wrong JSON type, a number out of the property's range, an unknown enum
 * nick, a schedule that does not parse, text that is not UTF-8, or a node
 * that is not an object fails with LANYARD_STORE_ERROR_INVALID and a
 * message naming the member — as a path inside a larger document:
 * “people[3].access-enabled” must be true or false.
 *
 * Errors are {"error": {"code": "conflict", "message": "…"}}; see
 * lanyard_json_from_error(). A server may add members beside "error" (the
 * current record after a conflict, say); lanyard_json_to_error() ignores
 * them.
 *
 * Every function is reentrant and keeps no state: call it from any thread.
 * Functions taking a JsonNode do not keep or change it; those returning
 * one return a new node (transfer full).
 */

/*
 * A model object as a JSON object, as described above. @object is one of
 * the core model types, or any GObject whose properties are of the kinds
 * above (a property of another kind is a programming error: it is reported
 * with g_critical() and left out).
 */
JsonNode   *lanyard_json_from_object        (GObject                     *object);

/*
 * The same as lanyard_json_from_object(), lanyard_json_from_objects() and
 * lanyard_json_from_people_page() written as compact JSON text, appended
 * to @out, without a JsonNode tree in between: for a server, where the
 * tree cost more than the query. The text reads back to the same nodes.
 */
void        lanyard_json_append_object      (GString                     *out,
                                             GObject                     *object);
void        lanyard_json_append_objects     (GString                     *out,
                                             GPtrArray                   *objects);
void        lanyard_json_append_people_page (GString                     *out,
                                             const LanyardPeoplePage     *page);

/*
 * A new object of @type (a GObject type such as LANYARD_TYPE_PERSON) with
 * the properties @node gives; NULL with LANYARD_STORE_ERROR_INVALID when
 * @node is not a valid one. Members for properties that cannot be written
 * are ignored.
 */
GObject    *lanyard_json_to_object          (GType                        type,
                                             JsonNode                    *node,
                                             GError                     **error);

/* A JSON array of model objects, each as lanyard_json_from_object() writes it. */
JsonNode   *lanyard_json_from_objects       (GPtrArray                   *objects);

/*
 * The objects of @type in the JSON array @node, in a new array that owns
 * them; NULL with LANYARD_STORE_ERROR_INVALID when @node is not an array or
 * an item is not a valid object (the message names the item: “[2].id”).
 */
GPtrArray  *lanyard_json_to_objects         (GType                        type,
                                             JsonNode                    *node,
                                             GError                     **error);

/*
 * A people query: {"facility-id", "search", "source", "access",
 * "membership-status", "person-type", "tag", "invitation", "adoption",
 * "sort", "descending"}; strings null for "any", filter chips and sort as
 * enum nicks ("any", "has-access", "last-used").
 */
JsonNode   *lanyard_json_from_people_query  (const LanyardPeopleQuery    *query);

/*
 * The people query in @node. "facility-id" is required (a query always
 * belongs to one facility); every other member, when omitted, has the
 * value lanyard_people_query_new() gives it.
 */
LanyardPeopleQuery *
            lanyard_json_to_people_query    (JsonNode                    *node,
                                             GError                     **error);

/* A page of people: {"people": [person, …], "next-cursor": "…" or null}. */
JsonNode   *lanyard_json_from_people_page   (const LanyardPeoplePage     *page);

/* The page in @node; "people" is required, "next-cursor" may be left out on the last page. */
LanyardPeoplePage *
            lanyard_json_to_people_page     (JsonNode                    *node,
                                             GError                     **error);

/* The stat tiles: {"all", "has-access", "no-access"}, non-negative integers. */
JsonNode   *lanyard_json_from_people_counts (const LanyardPeopleCounts   *counts);

/* Fills @out_counts from @node (missing members count 0); FALSE with LANYARD_STORE_ERROR_INVALID. */
gboolean    lanyard_json_to_people_counts   (JsonNode                    *node,
                                             LanyardPeopleCounts         *out_counts,
                                             GError                     **error);

/* The values of a filter chip: [{"value": "Gold", "count": 12}, …]. @values holds LanyardFacetValue. */
JsonNode   *lanyard_json_from_facet_values  (GPtrArray                   *values);

/* The LanyardFacetValue list in @node; every item needs a "value" string. */
GPtrArray  *lanyard_json_to_facet_values    (JsonNode                    *node,
                                             GError                     **error);

/*
 * An access decision, with the members lanyardctl decide --json uses:
 * {"allowed", "reason", "person-id", "person-name", "door-id",
 * "door-name", "at", "match-kind", "grant-kind", "match-id",
 * "match-name"}. "at" is a timestamp (microseconds); "grant-kind" is null
 * unless the match is a grant and "match-id" null when there is no id
 * (no match, or a facility-wide grant). The translated "reason-text" the
 * CLI prints is left to the reader, in its own language.
 */
JsonNode   *lanyard_json_from_decision_report (const LanyardDecisionReport *report);

/* The decision in @node; NULL with LANYARD_STORE_ERROR_INVALID. */
LanyardDecisionReport *
            lanyard_json_to_decision_report (JsonNode                    *node,
                                             GError                     **error);

/*
 * Which part of the audit log to read: {"facility-id", "target-kind",
 * "target-id", "before-id", "limit"}; 0 and null mean "any" as in
 * LanyardAuditQuery.
 */
JsonNode   *lanyard_json_from_audit_query   (const LanyardAuditQuery     *query);

/*
 * Fills @out_query from @node; missing members are 0 / NULL. The struct
 * does not own its strings: @out_query->target_kind points into @node and
 * is valid as long as @node is.
 */
gboolean    lanyard_json_to_audit_query     (JsonNode                    *node,
                                             LanyardAuditQuery           *out_query,
                                             GError                     **error);

/*
 * One member of a request's JSON object, checked as the codec checks
 * record members, with its messages (“email” is required, “enabled” must
 * be true or false): a string (pointing into @object; missing or null is
 * NULL, or “is required” when @required), an integer, a boolean (both
 * required), a list of ids (positive integers, required; a new array of
 * gint64). FALSE or NULL with LANYARD_STORE_ERROR_INVALID.
 */
gboolean    lanyard_json_object_get_string  (JsonObject                  *object,
                                             const char                  *member,
                                             gboolean                     required,
                                             const char                 **out_value,
                                             GError                     **error);
gboolean    lanyard_json_object_get_int64   (JsonObject                  *object,
                                             const char                  *member,
                                             gint64                      *out_value,
                                             GError                     **error);
gboolean    lanyard_json_object_get_boolean (JsonObject                  *object,
                                             const char                  *member,
                                             gboolean                    *out_value,
                                             GError                     **error);
GArray     *lanyard_json_object_get_ids     (JsonObject                  *object,
                                             const char                  *member,
                                             GError                     **error);

/*
 * The stable code of @error, as the API spells it: the nick of its
 * LanyardStoreError code ("not-found", "duplicate", "invalid", "conflict",
 * "permission-denied", "unavailable", "failed", "unauthenticated",
 * "rate-limited"). Errors of other domains
 * get the closest one: G_IO_ERROR_NOT_FOUND "not-found", _EXISTS
 * "duplicate", _PERMISSION_DENIED "permission-denied", _INVALID_ARGUMENT,
 * _INVALID_DATA, _MESSAGE_TOO_LARGE and JSON parser errors "invalid",
 * _CANCELLED, _TIMED_OUT, _BUSY and connection failures "unavailable";
 * anything else "failed".
 */
const char *lanyard_json_error_code         (const GError                *error);

/* {"error": {"code": lanyard_json_error_code (@error), "message": @error->message}}. */
JsonNode   *lanyard_json_from_error         (const GError                *error);

/*
 * The LANYARD_STORE_ERROR that @node (an error document as
 * lanyard_json_from_error() writes it) describes. Never NULL: a code this
 * version does not know becomes LANYARD_STORE_ERROR_FAILED with the
 * message kept, and a node that is no error document (NULL, an HTML page a
 * proxy sent…) LANYARD_STORE_ERROR_FAILED with a message that says so.
 */
GError     *lanyard_json_to_error           (JsonNode                    *node);

/*
 * The HTTP status a server answers @error with:
 *
 *   not-found 404, duplicate 409, invalid 422, conflict 409,
 *   permission-denied 403, unavailable 503, failed 500,
 *   unauthenticated 401, rate-limited 429.
 *
 * A stale write (CONFLICT) gets 409, not 412: 412 Precondition Failed
 * answers a conditional request — an If-Match header that no longer
 * matches an ETag — while a Lanyard record carries its version in the body
 * it is saved with, which is the case RFC 9110 gives for 409 ("a version
 * conflict" in a PUT). A server that also honours If-Match may answer a
 * failed If-Match itself with 412; the error code stays "conflict".
 * DUPLICATE is also a conflict with the current state (409); the code tells
 * the two apart.
 *
 * Other domains: JSON that does not parse 400 (a malformed body, where 422
 * is a well-formed one the store refuses); G_IO_ERROR_MESSAGE_TOO_LARGE
 * 413; G_IO_ERROR_CANCELLED 503, because a server cancels the work of a
 * request when it shuts down, and then "come back later" is the answer
 * (when the client itself went away no one reads it); G_IO_ERROR_NOT_FOUND
 * 404, _EXISTS 409, _PERMISSION_DENIED 403, _INVALID_ARGUMENT and
 * _INVALID_DATA 422, _TIMED_OUT, _BUSY and connection failures 503,
 * _NOT_SUPPORTED 501; anything else 500.
 */
guint       lanyard_json_error_http_status  (const GError                *error);

G_END_DECLS
