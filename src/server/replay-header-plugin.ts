import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context';

/** `Idempotent-Replayed: true` on a response that carries a mutation outcome replayed from the idempotency store. */
export function replayHeaderPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          if (contextValue.idempotentReplay) response.http.headers.set('idempotent-replayed', 'true');
        },
      };
    },
  };
}
