/*
 * net/wire.h (internal): the two wire objects the peer layer itself reads and writes, the outer
 * Message envelope and the Handshake body (chia-protocol.md sections 2 and 3.4).
 *
 *   Message:   type u8 | 0x00 | len u32 BE | data             (no id)
 *              type u8 | 0x01 | id u16 BE | len u32 BE | data (with id)
 *   Handshake: network_id str | protocol_version str | software_version str |
 *              server_port u16 | node_type u8 | capabilities list[(u16, str)]
 *              (str = u32 BE length + UTF-8 bytes; list = u32 BE count + items)
 *
 * These four functions are the transport's only contact with the message codec (lib/proto does
 * the decoding), so the peer layer sees neither codec structs nor message bodies.
 */
#ifndef CFARM_NET_WIRE_H
#define CFARM_NET_WIRE_H

#include "cfarm/buf.h"
#include "cfarm/peer.h"

/* Parse one whole frame (trailing bytes, a short frame or an id flag not 0/1 fail). data points
 * into frame. */
enum cf_err cf_wire_msg_parse(const uint8_t *frame, size_t n, struct cf_peer_msg *out);
/* Append a frame to out; on failure out is unchanged. */
enum cf_err cf_wire_msg_write(struct cf_buf *out, uint8_t type, bool has_id, uint16_t id,
                              const uint8_t *data, size_t len);

/* Decode a Handshake body exactly (no trailing bytes). Strings must be valid UTF-8 without NUL.
 * On success the caller frees with cf_wire_handshake_free; on failure nothing is held. */
enum cf_err cf_wire_handshake_decode(const uint8_t *p, size_t n, struct cf_peer_handshake *out);
enum cf_err cf_wire_handshake_encode(struct cf_buf *out, const struct cf_peer_handshake *h);
void cf_wire_handshake_free(struct cf_peer_handshake *h);

#endif
