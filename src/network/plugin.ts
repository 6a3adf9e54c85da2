// The network domain as a platform plugin: the consortium's validators, decided by majority-of-governors changes
// (ValidatorSet) and applied by each validator's agent to its own node (validators/voter.ts), with the API and CLI.
// The network kit beside it (init, start, stop, status, fund, monitoring) builds and runs the nodes themselves.
import type { DomainPlugin } from "../agent/domain.ts";
import { ValidatorSet } from "../generated/contracts.ts";
import { registerNetworkCommands } from "./cli.ts";
import { validatorDifferences } from "./validators/consistency.ts";
import { validatorMigrations } from "./validators/migrations.ts";
import { VALIDATOR_SET, validatorProjection } from "./validators/projection.ts";
import { ValidatorReadModel } from "./validators/readModel.ts";
import { networkApiModule } from "./validators/routes.ts";
import { ValidatorService } from "./validators/service.ts";
import { startValidatorVoter } from "./validators/voter.ts";

const services = new WeakMap<object, { service: ValidatorService; readModel: ValidatorReadModel }>();

export const networkPlugin: DomainPlugin = {
  name: "network",
  description: "The consortium's validators, added and removed by governance and voted into each member's node",
  doc: "docs/network.md",
  errors: {},
  contracts: { [VALIDATOR_SET]: ValidatorSet },
  deployment: [
    {
      name: VALIDATOR_SET,
      artifact: ValidatorSet,
      args: (deployed) => {
        const consortium = deployed.ConsortiumRegistry;
        if (!consortium) throw new Error("ConsortiumRegistry must be deployed before the validator set");
        return [consortium.address];
      },
    },
  ],
  migrations: validatorMigrations,
  projections: [validatorProjection],
  publish(context) {
    const readModel = new ValidatorReadModel(context.store);
    const service = new ValidatorService({
      readModel,
      chain: context.chain,
      sender: context.outbox,
      validatorSet: context.contractAddress(VALIDATOR_SET),
      memberAccount: context.config.memberAccount,
      syncReadModel: () => context.indexer.syncOnce(),
    });
    services.set(context, { service, readModel });
    return {};
  },
  api(context) {
    const built = services.get(context);
    if (!built) throw new Error("the network plugin's api() ran before publish()");
    return networkApiModule(built.service, built.readModel);
  },
  async checkConsistency(context, blockNumber) {
    const built = services.get(context);
    if (!built) throw new Error("the network plugin's checkConsistency() ran before publish()");
    return validatorDifferences(built.readModel, context.chain, context.contractAddress(VALIDATOR_SET), blockNumber);
  },
  async start(context) {
    // Only an agent whose node is a validator votes (agent.json chain.voteValidators): Clique counts signers' votes.
    if (!context.config.chain.voteValidators) return undefined;
    const built = services.get(context);
    if (!built) throw new Error("the network plugin's start() ran before publish()");
    return startValidatorVoter({ chain: context.chain, readModel: built.readModel, logger: context.logger });
  },
  registerCommands: registerNetworkCommands,
};
