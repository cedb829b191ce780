package dev.neonjdbc.testkit.neon;

import dev.neonjdbc.testkit.AbstractReplicaStack;
import dev.neonjdbc.testkit.NeonStack;

/**
 * A Neon read replica of the branch ({@link NeonCloudStack#REPLICA_URL_VARIABLE}): its own compute
 * with a pooled and a direct endpoint, reached with the branch's role. The kit neither starts nor
 * stops it, so {@link #stop()} and {@link #start()} throw; Neon suspends and wakes it on its own.
 */
final class NeonCloudReplica extends AbstractReplicaStack {

  NeonCloudReplica(NeonStack primary, String pooledHost, String directHost, int port) {
    super(primary, pooledHost, port, directHost, port, primary.logDirectory(), null);
  }

  @Override
  protected boolean controlsServers() {
    return false;
  }

  @Override
  protected void stopServers() {
    throw new UnsupportedOperationException("a Neon read replica is not stopped by the kit");
  }

  @Override
  protected void startServers() {
    throw new UnsupportedOperationException("a Neon read replica is not started by the kit");
  }

  @Override
  protected void removeServers() {}
}
