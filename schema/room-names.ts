/**
 * Where room names are made. An organization room is named by its
 * organization id, so the room can check a token's organization against
 * its own name without any lookup.
 */
export const ORG_ROOM_PARTY = "org-room";
export const DEAL_ROOM_PARTY = "deal-room";

export const orgRoomName = (orgId: string) => orgId;

export const orgRoomPath = (orgId: string) => `/parties/${ORG_ROOM_PARTY}/${orgRoomName(orgId)}`;

/** Set by the Worker's room gate (never by clients) to the member's live role. */
export const MEMBER_ROLE_HEADER = "x-neuracrm-member-role";

/** Set by the room gate to the organization's record visibility ("all" or "own"). */
export const MEMBER_VISIBILITY_HEADER = "x-neuracrm-record-visibility";

/** Set by the room gate to the member's display name, URI-encoded (header values are bytes). */
export const MEMBER_NAME_HEADER = "x-neuracrm-member-name";

/** Set by the room gate on deal-room sockets: the organization the deal belongs to. */
export const ROOM_ORG_HEADER = "x-neuracrm-room-org";

/** A deal's room is named by the deal id, unique across organizations. */
export const dealRoomName = (dealId: string) => dealId;
