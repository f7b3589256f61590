package dev.tollgate.api.key;

import dev.tollgate.api.CommandRefused;

/**
 * A key refused a command sent for a team it is not in: the sender was allowed to act on the keys of that team only
 * (a manager of it, the member of it who owns the key), and the key is in another one (it followed its owner there).
 * The message names the team the sender expected, never the key's own.
 */
public class KeyOfAnotherTeam extends CommandRefused {

    public KeyOfAnotherTeam(String keyId, String expectedTeamId) {
        super(Reason.FORBIDDEN, "key '" + keyId + "' is not a key of team '" + expectedTeamId + "'");
    }
}
