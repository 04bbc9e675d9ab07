/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msturn-consts.h - MS-TURN / MS-TURNBWM / MS-ICE2 numbers in one place.
 *
 * Sources: [MS-TURN] 2.2.1 (message types), 2.2.2 (attributes), 2.2.3
 * (multiplexed TURN), 2.1.4 (TCP framing); [MS-TURNBWM] 2.2; [MS-ICE2] 2.2.2;
 * [MS-ICE2BWM] error codes. See ../shared/specs/ms-turn.md for the digest.
 *
 * How MS-TURN differs from RFC 5389 STUN (the quirks a decoder must honour):
 *
 *   item                    MS-TURN (this table)          RFC 5389 / 5766
 *   ----------------------  ----------------------------  -------------------------
 *   transaction id          128 random bits               32-bit cookie + 96 bits
 *   detection               first attribute MAGIC-COOKIE  0x2112A442 in bytes 4..7
 *   attribute padding       none                          to 4 bytes
 *   0x0014 / 0x0015         NONCE / REALM                 REALM / NONCE
 *   0x0012                  REMOTE-ADDRESS (plain)        XOR-PEER-ADDRESS
 *   XOR-MAPPED-ADDRESS      0x8020, XOR with txid bytes   0x0020, XOR with cookie
 *   message types           flat table (0x0004 = Send)    class/method bits
 *                                                          (0x0004 = Refresh)
 *   MESSAGE-INTEGRITY       20 or 32 bytes (MS-Version>=3) 20 bytes
 *
 * The MS-ICE2 connectivity checks relayed inside DATA use the RFC 5389 layout
 * (padding, 0x0020) with MS-ICE2 attributes; the MS-ICE (v6) checks use the
 * classic RFC 3489 layout without padding.
 */
#ifndef MSICE_MSTURN_CONSTS_H
#define MSICE_MSTURN_CONSTS_H

/* ---- header ---------------------------------------------------------- */
#define MSTURN_HEADER_LEN          20u
#define MSTURN_TXID_LEN            16u
#define MSTURN_MAGIC_COOKIE_VALUE  0x72C64BC6u  /* [MS-TURN] 2.2.2.8 */
#define STUN_RFC5389_COOKIE        0x2112A442u  /* RFC 5389 6 */

/* ---- message classes ------------------------------------------------ */
/* The class bits of a message type (RFC 5389 6: C1 = 0x0100, C0 = 0x0010).
 * [MS-TURN] 2.2.1 gives a flat table, but its types follow them. */
#define MSTURN_CLASS_MASK          0x0110u
#define MSTURN_CLASS_REQUEST       0x0000u
#define MSTURN_CLASS_INDICATION    0x0010u
#define MSTURN_CLASS_SUCCESS       0x0100u
#define MSTURN_CLASS_ERROR         0x0110u

/* ---- message types [MS-TURN] 2.2.1 (flat table, not class/method) ------ */
#define MSTURN_BINDING_REQUEST          0x0001u /* MS-ICE / MS-ICE2 checks */
#define MSTURN_BINDING_RESPONSE         0x0101u
#define MSTURN_BINDING_ERROR            0x0111u
#define MSTURN_BINDING_INDICATION       0x0011u /* RFC 5389 keepalive; relayed only */
#define MSTURN_SHARED_SECRET_REQUEST    0x0002u /* MUST NOT be used */
#define MSTURN_SHARED_SECRET_RESPONSE   0x0102u
#define MSTURN_SHARED_SECRET_ERROR      0x0112u
#define MSTURN_ALLOCATE_REQUEST         0x0003u
#define MSTURN_ALLOCATE_RESPONSE        0x0103u
#define MSTURN_ALLOCATE_ERROR           0x0113u
#define MSTURN_SEND_REQUEST             0x0004u /* never answered */
#define MSTURN_SEND_RESPONSE            0x0104u /* not used */
#define MSTURN_SEND_ERROR               0x0114u /* never sent */
#define MSTURN_DATA_INDICATION          0x0115u
#define MSTURN_SAD_REQUEST              0x0006u /* Set Active Destination */
#define MSTURN_SAD_RESPONSE             0x0106u
#define MSTURN_SAD_ERROR                0x0116u

/* ---- attributes ------------------------------------------------------ */
/* [MS-TURN] 2.2.2 */
#define MSTURN_ATTR_MAPPED_ADDRESS          0x0001u
#define MSTURN_ATTR_USERNAME                0x0006u
#define MSTURN_ATTR_MESSAGE_INTEGRITY       0x0008u
#define MSTURN_ATTR_ERROR_CODE              0x0009u
#define MSTURN_ATTR_UNKNOWN_ATTRIBUTES      0x000Au
#define MSTURN_ATTR_LIFETIME                0x000Du
#define MSTURN_ATTR_ALTERNATE_SERVER        0x000Eu
#define MSTURN_ATTR_MAGIC_COOKIE            0x000Fu
#define MSTURN_ATTR_BANDWIDTH               0x0010u
#define MSTURN_ATTR_DESTINATION_ADDRESS     0x0011u
#define MSTURN_ATTR_REMOTE_ADDRESS          0x0012u
#define MSTURN_ATTR_DATA                    0x0013u
#define MSTURN_ATTR_NONCE                   0x0014u /* RFC 5389: REALM */
#define MSTURN_ATTR_REALM                   0x0015u /* RFC 5389: NONCE */
#define MSTURN_ATTR_REQUESTED_ADDR_FAMILY   0x0017u
#define MSTURN_ATTR_MS_VERSION              0x8008u
#define MSTURN_ATTR_XOR_MAPPED_ADDRESS      0x8020u
#define MSTURN_ATTR_SOFTWARE                0x8022u /* seen from Edges; unconfirmed */
#define MSTURN_ATTR_MS_ALT_HOST_NAME        0x8032u
#define MSTURN_ATTR_APP_ID                  0x8037u
#define MSTURN_ATTR_SECURE_TAG              0x8039u
#define MSTURN_ATTR_MS_SEQUENCE_NUMBER      0x8050u
#define MSTURN_ATTR_MS_SERVICE_QUALITY      0x8055u
#define MSTURN_ATTR_MS_ALT_MAPPED_ADDRESS   0x8090u
#define MSTURN_ATTR_MUX_SESSION_ID          0x8095u
/* [MS-TURNBWM] 2.2 */
#define MSTURN_ATTR_BWM_ADMISSION_MSG       0x8056u
#define MSTURN_ATTR_BWM_RESERVATION_ID      0x8057u
#define MSTURN_ATTR_BWM_RESERVATION_AMOUNT  0x8058u
#define MSTURN_ATTR_BWM_REMOTE_SITE         0x8059u
#define MSTURN_ATTR_BWM_REMOTE_RELAY_SITE   0x805Au
#define MSTURN_ATTR_BWM_LOCAL_SITE          0x805Bu
#define MSTURN_ATTR_BWM_LOCAL_RELAY_SITE    0x805Cu
#define MSTURN_ATTR_BWM_REMOTE_SITE_RESP    0x805Du
#define MSTURN_ATTR_BWM_REMOTE_RELAY_RESP   0x805Eu
#define MSTURN_ATTR_BWM_LOCAL_SITE_RESP     0x805Fu
#define MSTURN_ATTR_BWM_LOCAL_RELAY_RESP    0x8060u
#define MSTURN_ATTR_BWM_SIP_DIALOG_ID       0x8061u
#define MSTURN_ATTR_BWM_SIP_CALL_ID         0x8062u
#define MSTURN_ATTR_BWM_LOCATION_PROFILE    0x8068u
/* [MS-ICE2] 2.2.2 (connectivity checks) */
#define MSTURN_ATTR_ICE_XOR_MAPPED_ADDRESS  0x0020u
#define MSTURN_ATTR_ICE_PRIORITY            0x0024u
#define MSTURN_ATTR_ICE_USE_CANDIDATE       0x0025u
#define MSTURN_ATTR_ICE_FINGERPRINT         0x8028u
#define MSTURN_ATTR_ICE_CONTROLLED          0x8029u
#define MSTURN_ATTR_ICE_CONTROLLING         0x802Au
#define MSTURN_ATTR_ICE_CANDIDATE_ID        0x8054u
#define MSTURN_ATTR_ICE_IMPL_VERSION        0x8070u

#define MSTURN_FINGERPRINT_XOR              0x5354554Eu

/* Address families in address attributes. */
#define MSTURN_FAMILY_IPV4  1u
#define MSTURN_FAMILY_IPV6  2u

/* ---- MS-TURNBWM values ---------------------------------------------- */
#define MSTURN_BWM_VALID_FLAG     0x80000000u
#define MSTURN_BWM_FAILOVER_FLAG  0x40000000u

/* ---- framing --------------------------------------------------------- */
/* [MS-TURN] 2.1.4: 4-byte header in front of every message on TCP. */
#define MSTURN_TCP_FRAME_HDR_LEN   4u
#define MSTURN_TCP_FRAME_CONTROL   0x02u /* a whole MS-TURN message follows */
#define MSTURN_TCP_FRAME_DATA      0x03u /* end-to-end data */
/* [MS-TURN] 2.2.3: multiplexed TURN (MS-Version 5 and 6). */
#define MSTURN_MUX_CHANNEL_ID      0xFF10u
#define MSTURN_MUX_HDR_LEN         12u   /* channel(2) length(2) session id(8) */
/* [MS-TURN] 2.1.1: pseudo-TLS records (TLS 1.0 handshake record). */
#define MSTURN_PSEUDO_TLS_CLIENT_HELLO_LEN  50u
#define MSTURN_PSEUDO_TLS_SERVER_HELLO_LEN  83u

#endif /* MSICE_MSTURN_CONSTS_H */
