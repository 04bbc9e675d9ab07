/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msturn-integrity.c - MESSAGE-INTEGRITY of MS-TURN messages: finding the
 * long-term credentials of a message (MRAS responses of the capture, the
 * REALM last seen for its client, the request of a response, preference
 * msturn.credentials) and showing the result of the check.
 *
 * Specs: [MS-TURN] 3.1.12 (long-term key), 2.2.2.8 (MESSAGE-INTEGRITY);
 * the HMAC itself is computed by core/msturn.c (msturn_check_integrity).
 */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/to_str.h>

#include "msturn-int.h"
#include "core/msturn.h"
#include "core/textscan.h"

/* ---- ids --------------------------------------------------------------- */

static int proto_msturn = -1;   /* handed to msturn_integrity_register() */

static int hf_msturn_integrity_status = -1;
static int hf_msturn_integrity_key_source = -1;

static expert_field ei_msturn_integrity_bad = EI_INIT;

/* The expert item of each MESSAGE-INTEGRITY result (the others are shown,
 * not raised: not verified, good; malformed has the attribute's item). */
static const msice_status_ei_t msturn_integrity_ei[] = {
    { MSTURN_INTEGRITY_BAD, &ei_msturn_integrity_bad },
};

static const value_string integrity_status_vals[] = {
    { MSTURN_INTEGRITY_NOT_VERIFIED, "Not verified (no credentials)" },
    { MSTURN_INTEGRITY_GOOD,         "Good" },
    { MSTURN_INTEGRITY_BAD,          "Bad" },
    { MSTURN_INTEGRITY_MALFORMED,    "Malformed" },
    { MSTURN_INTEGRITY_NOT_PRESENT,  "Not present" },
    { 0, NULL }
};

/* ---- preferences ------------------------------------------------------- */

/* msturn.credentials: "username_b64:password_b64" pairs separated by spaces
 * or commas, as MRAS hands them out (base64 has neither ':' nor ',').
 * Parsed by parse_pref_credentials() whenever preferences are applied. */
static const char *pref_credentials = "";

/* One parsed pair, base64-decoded. Owned by pref_creds (g_free). */
typedef struct {
    guint8 *user;
    size_t  user_len;
    guint8 *pass;
    size_t  pass_len;
} msturn_pref_cred_t;
static GArray *pref_creds;   /* msturn_pref_cred_t; lives until the next parse */

/* ---- per-capture state (wmem_file_scope) ----------------------------- */

/* The last REALM seen from or to one client. Scope: wmem_file_scope(). */
typedef struct {
    guint8 *realm;          /* unquoted */
    guint   len;
} msturn_realm_t;

/* MESSAGE-INTEGRITY result of one top-level message, made on the first pass
 * (see msturn_integrity_check()). Key: MSTURN_INTEG_KEY_BASE + index of the
 * message within its frame. Scope: wmem_file_scope(). */
typedef struct {
    guint8  status;         /* msturn_integrity_t (msturn.integrity.status) */
    gboolean from_pref;     /* key from msturn.credentials, not MRAS */
    guint32 mras_frame;     /* the MRAS response that granted the password */
} msturn_integ_t;

/* p_*_proto_data keys: 0 counts the top-level messages of the frame (in
 * pinfo->pool), 1 + n holds message n's msturn_integ_t (file scope). */
#define MSTURN_INTEG_COUNTER   0u
#define MSTURN_INTEG_KEY_BASE  1u

static wmem_map_t *client_realms;  /* client address (string) -> msturn_realm_t */

static void
integrity_init(void)
{
    client_realms = wmem_map_new(wmem_file_scope(), wmem_str_hash, g_str_equal);
}

/* ---- credentials --------------------------------------------------------- */

/*
 * Parses msturn.credentials into pref_creds. Tokens that are not
 * "base64:base64" (strict base64, core/textscan.c) are skipped.
 */
static void
parse_pref_credentials(void)
{
    if (pref_creds) {
        for (guint i = 0; i < pref_creds->len; i++) {
            msturn_pref_cred_t *c = &g_array_index(pref_creds, msturn_pref_cred_t, i);
            g_free(c->user);
            g_free(c->pass);
        }
        g_array_set_size(pref_creds, 0);
    } else {
        pref_creds = g_array_new(FALSE, TRUE, sizeof(msturn_pref_cred_t));
    }
    if (!pref_credentials || !pref_credentials[0])
        return;
    gchar **tokens = g_strsplit_set(pref_credentials, " ,\t\r\n", -1);
    for (gchar **t = tokens; *t; t++) {
        gchar *colon = strchr(*t, ':');
        if (!colon || strchr(colon + 1, ':'))
            continue;
        *colon = '\0';
        msturn_pref_cred_t c;
        c.user = textscan_base64_dup(*t, strlen(*t), TEXTSCAN_B64_STRICT, &c.user_len);
        c.pass = textscan_base64_dup(colon + 1, strlen(colon + 1), TEXTSCAN_B64_STRICT, &c.pass_len);
        if (!c.user || !c.pass) {
            g_free(c.user);
            g_free(c.pass);
            continue;
        }
        g_array_append_val(pref_creds, c);
    }
    g_strfreev(tokens);
}

/* The client's address: the sender of requests, the receiver of the rest. */
static const address *
client_address(packet_info *pinfo, guint16 type)
{
    return (msturn_is_response(type) || type == MSTURN_DATA_INDICATION) ? &pinfo->dst : &pinfo->src;
}

/*
 * First pass only: finds the credentials of one top-level message and checks
 * its MESSAGE-INTEGRITY. Also remembers the message's REALM for its client
 * and the request's credentials for its response. Returns NULL when the
 * message has no MESSAGE-INTEGRITY.
 *
 * Credentials ([MS-TURN] 3.1.12, ms-turn.md 8):
 *   username: the message's USERNAME; for a response without one, the
 *             request's (responses are signed with the request's key);
 *   realm:    the message's REALM without quotes; else the request's realm
 *             (responses); else the last REALM seen from or to this client
 *             in an earlier frame (Send and Set Active Destination requests
 *             omit REALM but still sign with it);
 *   password: from an MRAS response of this capture (mras_lookup_password),
 *             else from preference msturn.credentials.
 */
static msturn_integ_t *
integrity_first_pass(packet_info *pinfo, const guint8 *buf, const msturn_msg_t *m, msturn_trans_t *tr)
{
    const msturn_attr_t *ra = msturn_find_attr(m, MSTURN_ATTR_REALM);
    const msturn_attr_t *ua = msturn_find_attr(m, MSTURN_ATTR_USERNAME);
    const msturn_attr_t *mi = msturn_find_attr(m, MSTURN_ATTR_MESSAGE_INTEGRITY);
    if (!ra && !ua && !mi)
        return NULL;   /* nothing to learn or verify (Data Indications, Sends, ...) */
    const char *client = address_to_str(pinfo->pool, client_address(pinfo, m->type));
    const guint8 *realm = NULL, *user = NULL;
    gsize realm_len = 0, user_len = 0;

    if (ra && ra->val_status == MSTURN_VAL_OK) {
        realm = msturn_realm_unquote(buf + ra->value_off, ra->value_len, &realm_len);
        msturn_realm_t *last = (msturn_realm_t *)wmem_map_lookup(client_realms, client);
        if (!last) {
            last = wmem_new0(wmem_file_scope(), msturn_realm_t);
            wmem_map_insert(client_realms, wmem_strdup(wmem_file_scope(), client), last);
        }
        if (last->len != realm_len || (realm_len && memcmp(last->realm, realm, realm_len) != 0)) {
            last->realm = (guint8 *)wmem_memdup(wmem_file_scope(), realm, realm_len);
            last->len = (guint)realm_len;
        }
    }
    if (ua && ua->val_status == MSTURN_VAL_OK && ua->value_len > 0) {
        user = buf + ua->value_off;
        user_len = ua->value_len;
    }
    if (tr && msturn_is_response(m->type) && tr->req_frame < pinfo->num) {
        if (!user && tr->username) {
            user = tr->username;
            user_len = tr->username_len;
        }
        if (!realm && tr->realm) {
            realm = tr->realm;
            realm_len = tr->realm_len;
        }
    }
    if (!realm) {
        const msturn_realm_t *last = (const msturn_realm_t *)wmem_map_lookup(client_realms, client);
        if (last) {
            realm = last->realm;
            realm_len = last->len;
        }
    }
    /* The request that opened the transaction: its response will need its
     * credentials. */
    if (tr && tr->req_frame == pinfo->num && msturn_is_request(m->type) && user && !tr->username) {
        tr->username = (guint8 *)wmem_memdup(wmem_file_scope(), user, user_len);
        tr->username_len = (guint)user_len;
        if (realm) {
            tr->realm = (guint8 *)wmem_memdup(wmem_file_scope(), realm, realm_len);
            tr->realm_len = (guint)realm_len;
        }
    }

    if (!mi)
        return NULL;
    msturn_integ_t *res = wmem_new0(wmem_file_scope(), msturn_integ_t);
    res->status = MSTURN_INTEGRITY_NOT_VERIFIED;
    if (mi->val_status != MSTURN_VAL_OK) {
        res->status = MSTURN_INTEGRITY_MALFORMED;
        return res;
    }
    if (!user || !realm)
        return res;   /* not verified */

    guint8 *pass = NULL;
    size_t pass_len = 0;
    const char *pass_b64 = NULL;
    guint32 mras_frame = 0;
    if (mras_lookup_password(user, user_len, &pass_b64, &mras_frame) && pass_b64) {
        pass = textscan_base64_dup(pass_b64, strlen(pass_b64), TEXTSCAN_B64_SKIP_XML_SPACE, &pass_len);
        res->mras_frame = mras_frame;
    }
    if (pass_len == 0 && pref_creds) {
        for (guint i = 0; i < pref_creds->len; i++) {
            const msturn_pref_cred_t *c = &g_array_index(pref_creds, msturn_pref_cred_t, i);
            if (c->user_len == user_len && memcmp(c->user, user, user_len) == 0) {
                g_free(pass);
                pass = (guint8 *)g_memdup2(c->pass, c->pass_len);
                pass_len = c->pass_len;
                res->from_pref = TRUE;
                res->mras_frame = 0;
                break;
            }
        }
    }
    if (pass_len == 0) {
        g_free(pass);
        res->mras_frame = 0;
        return res;   /* not verified */
    }

    guint8 key[MSTURN_LONGTERM_KEY_LEN];
    msturn_longterm_key(user, user_len, (const char *)realm, realm_len, pass, pass_len, key);
    g_free(pass);
    res->status = (guint8)msturn_check_integrity(buf, m, key, sizeof(key));
    return res;
}

/*
 * MESSAGE-INTEGRITY of a top-level message.
 *
 * Two-pass rule: the check is made once, on the first pass, in frame order,
 * and stored per message; every later pass (GUI clicks in any order, tshark
 * -2) shows the stored result. So a message is verified only with what is
 * known by its frame: MRAS responses, REALMs and requests of earlier frames,
 * plus the msturn.credentials preference. A message before the MRAS response
 * that grants its password stays "not verified" (the preference can supply
 * it). tshark in one pass, tshark -2 and the GUI show the same result.
 */
void
msturn_integrity_check(tvbuff_t *tvb, packet_info *pinfo, proto_item *top, proto_tree *integrity_tree,
                       proto_item *integrity_item, const guint8 *buf, const msturn_msg_t *m, msturn_trans_t *tr)
{
    guint idx = GPOINTER_TO_UINT(p_get_proto_data(pinfo->pool, pinfo, proto_msturn, MSTURN_INTEG_COUNTER));
    p_add_proto_data(pinfo->pool, pinfo, proto_msturn, MSTURN_INTEG_COUNTER, GUINT_TO_POINTER(idx + 1));
    guint32 key = MSTURN_INTEG_KEY_BASE + idx;
    msturn_integ_t *res;

    if (!PINFO_FD_VISITED(pinfo)) {
        res = integrity_first_pass(pinfo, buf, m, tr);
        if (res)
            p_add_proto_data(wmem_file_scope(), pinfo, proto_msturn, key, res);
    } else {
        res = (msturn_integ_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_msturn, key);
    }
    const msturn_attr_t *mi = msturn_find_attr(m, MSTURN_ATTR_MESSAGE_INTEGRITY);
    if (!res || !mi)
        return;

    proto_tree *it = integrity_tree;
    guint32 len = mi->value_len ? mi->value_len : 4;
    guint32 off = mi->value_len ? mi->value_off : mi->offset;
    proto_item *pi = proto_tree_add_uint(it, hf_msturn_integrity_status, tvb, off, len, res->status);
    proto_item_set_generated(pi);
    if (res->from_pref || res->mras_frame) {
        const char *src = res->from_pref ? "preference msturn.credentials"
                                         : wmem_strdup_printf(pinfo->pool, "MRAS response in frame %u", res->mras_frame);
        pi = proto_tree_add_string(it, hf_msturn_integrity_key_source, tvb, off, len, src);
        proto_item_set_generated(pi);
    }
    if (integrity_item && res->status != MSTURN_INTEGRITY_NOT_VERIFIED)
        proto_item_append_text(integrity_item, " [%s]",
                               val_to_str_const(res->status, integrity_status_vals, "?"));
    expert_field *iei = MSICE_STATUS_EI(msturn_integrity_ei, res->status);
    if (iei) {
        proto_item *where = integrity_item ? integrity_item : top;
        if (res->from_pref)
            msice_expert_format(pinfo, where, iei,
                                "MESSAGE-INTEGRITY does not verify with the credentials of preference "
                                "msturn.credentials: wrong password, or credentials from another Edge pool");
        else
            msice_expert(pinfo, where, iei);
    }
}

void
msturn_integrity_apply_prefs(void)
{
    parse_pref_credentials();
}

/* ---- registration ------------------------------------------------------ */

void
msturn_integrity_register(int proto, module_t *prefs)
{
    static hf_register_info hf[] = {
        { &hf_msturn_integrity_status, { "Integrity Status", "msturn.integrity.status", FT_UINT8, BASE_DEC,
              VALS(integrity_status_vals), 0x0,
              "MESSAGE-INTEGRITY checked with the MRAS credentials of this capture or preference "
              "msturn.credentials; 0 when neither has this USERNAME", HFILL } },
        { &hf_msturn_integrity_key_source, { "Key Source", "msturn.integrity.key_source", FT_STRING, BASE_NONE,
              NULL, 0x0, "Where the password of the MESSAGE-INTEGRITY key came from", HFILL } },
    };
    static ei_register_info ei[] = {
        { &ei_msturn_integrity_bad, { "msturn.expert.integrity_bad", PI_CHECKSUM, PI_WARN,
              "MESSAGE-INTEGRITY does not verify with the MRAS credentials: wrong password, or credentials "
              "from another Edge pool", EXPFILL } },
    };

    proto_msturn = proto;
    proto_register_field_array(proto, hf, array_length(hf));
    expert_module_t *em = expert_register_protocol(proto);
    expert_register_field_array(em, ei, array_length(ei));
    prefs_register_string_preference(prefs, "credentials", "MS-TURN credentials",
                                     "MRAS credentials for checking MESSAGE-INTEGRITY when the capture lacks the "
                                     "MRAS response that granted them: \"username:password\" pairs, both base64 "
                                     "exactly as in the MRAS <username> and <password> elements, separated by "
                                     "spaces or commas. Credentials learnt from MRAS responses in the capture "
                                     "take precedence",
                                     &pref_credentials);
    register_init_routine(integrity_init);
}
