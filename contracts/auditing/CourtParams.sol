// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IOutcomeCourt} from "./IOutcomeCourt.sol";

/// @notice The rules every set of court parameters must follow (the court's constructor and its governance both
/// check them).
library CourtParams {
    uint256 internal constant BPS = 10_000;

    /// @dev Reverts IOutcomeCourt.InvalidParams naming the first field that breaks a rule.
    function check(IOutcomeCourt.Params memory p) internal pure {
        if (p.commitSeconds == 0) revert IOutcomeCourt.InvalidParams("commitSeconds");
        if (p.revealSeconds == 0) revert IOutcomeCourt.InvalidParams("revealSeconds");
        if (p.jurorDeposit == 0 || p.jurorDeposit > p.minAuditorStake)
            revert IOutcomeCourt.InvalidParams("jurorDeposit");
        if (p.complaintStakeBps > BPS) revert IOutcomeCourt.InvalidParams("complaintStakeBps");
        if (p.validationFeeBps > BPS) revert IOutcomeCourt.InvalidParams("validationFeeBps");
        if (p.objectionStakeBps > BPS) revert IOutcomeCourt.InvalidParams("objectionStakeBps");
        if (p.objectorShareBps > BPS) revert IOutcomeCourt.InvalidParams("objectorShareBps");
        if (p.firstJurySize % 2 == 0) revert IOutcomeCourt.InvalidParams("firstJurySize");
        if (p.objectionJurySize % 2 == 0) revert IOutcomeCourt.InvalidParams("objectionJurySize");
        if (p.maxAttempts == 0) revert IOutcomeCourt.InvalidParams("maxAttempts");
        if (p.ticketsPerSeat == 0) revert IOutcomeCourt.InvalidParams("ticketsPerSeat");
        if (p.vetQuorum == 0) revert IOutcomeCourt.InvalidParams("vetQuorum");
        if (p.maxSignalEpochs == 0) revert IOutcomeCourt.InvalidParams("maxSignalEpochs");
        if (p.slashSink == address(0)) revert IOutcomeCourt.InvalidParams("slashSink");
    }
}
