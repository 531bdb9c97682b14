/** The address an invitee opens to accept: the accept page of this same deployment, carrying the token. */
export function invitationLink(origin: string, token: string): string {
  return `${origin}/invitations/accept?${new URLSearchParams({ token }).toString()}`;
}
