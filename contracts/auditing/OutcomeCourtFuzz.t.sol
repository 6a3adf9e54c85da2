// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Properties of the court over fuzzed juror behaviour (fixed seed in hardhat.config.ts): token conservation on every
// payout, slash and objection path, liveness (every case closes within a bounded number of epochs with no stake left
// locked), the honest-majority payoff, and a draw whose gas does not grow with the number of signalling auditors.
// solhint-disable-next-line no-console
import {console} from "hardhat/console.sol";
import {IOutcomeCourt} from "./IOutcomeCourt.sol";
import {AuditingHarness} from "./AuditingHarness.sol";

contract OutcomeCourtFuzzTest is AuditingHarness {
    /// @dev Epochs a case can take at most: maxAttempts (3) draws for the first jury, one more epoch for an
    /// objection, maxAttempts draws for the second, and the epoch after the window for an unobjected verdict.
    uint64 internal constant MAX_CASE_EPOCHS = 8;

    function setUp() public {
        setUpCourt();
    }

    function randomVotes(uint256 seed, uint256 step, uint256 n) internal pure returns (uint8[] memory votes) {
        votes = new uint8[](n);
        for (uint256 i = 0; i < n; i++) votes[i] = uint8(uint256(keccak256(abi.encode(seed, step, i))) % 3);
    }

    /// @dev Drives one case with random votes (silence included) and a random objection to its end.
    function testFuzz_tokensAreConservedAndEveryCaseEnds(uint256 seed, bool objects) public {
        signalAuditors(12, 6);
        warpToEpoch(1);
        (bytes32 caseId, ) = openCase("fuzz");
        for (uint256 step = 0; step < 20; step++) {
            IOutcomeCourt.Case memory c = court.getCase(caseId);
            if (c.status == IOutcomeCourt.CaseStatus.Closed) break;
            if (c.status == IOutcomeCourt.CaseStatus.Drawing) {
                address[] memory js = drawJury(caseId);
                if (court.getCase(caseId).status == IOutcomeCourt.CaseStatus.Voting) {
                    vote(caseId, js, randomVotes(seed, step, js.length));
                }
            } else if (c.status == IOutcomeCourt.CaseStatus.Provisional) {
                if (objects && c.round == 0) {
                    address objector = c.firstVerdict == IOutcomeCourt.Verdict.Upheld ? provider : recipient;
                    fund(objector, 80_00);
                    approveAs(objector, address(court), 80_00);
                    vm.prank(objector);
                    court.object(caseId);
                } else {
                    warpToEpoch(c.verdictEpoch + 2);
                    court.finalize(caseId);
                }
            }
            assertConserved();
        }
        IOutcomeCourt.Case memory closed = court.getCase(caseId);
        assertEq(uint8(closed.status), uint8(IOutcomeCourt.CaseStatus.Closed), "the case ended");
        assertTrue(court.currentEpoch() <= 1 + MAX_CASE_EPOCHS, "within the bounded number of epochs");
        for (uint256 i = 0; i < auditors.length; i++) {
            assertEq(court.auditor(auditors[i]).locked, 0, "nothing stays locked");
            assertEq(court.auditor(auditors[i]).openCases, 0, "no open validation");
        }
        assertConserved();
        assertCourtHoldsStakes();
        slashTheSilentAndWithdrawEverything(caseId);
        assertEq(eur.balanceOf(address(court)), 0, "the court holds nothing after every withdrawal");
        assertConserved();
    }

    /// @dev Once the signalled epochs are over every auditor reveals its ticket seeds; anyone slashes each drawn
    /// auditor that never claimed a seat in any of the case's lotteries (the rest are refused NotSilent), tokens are
    /// still conserved, and then every stake can leave.
    function slashTheSilentAndWithdrawEverything(bytes32 caseId) internal {
        warpToEpoch(7);
        for (uint256 i = 0; i < auditors.length; i++) revealSeeds(auditors[i], 6);
        IOutcomeCourt.Case memory last = court.getCase(caseId);
        for (uint8 round = 0; round <= last.round; round++) {
            for (uint8 attempt = 0; attempt < 3; attempt++) {
                for (uint256 i = 0; i < auditors.length; i++) {
                    try court.slashSilent(caseId, round, attempt, auditors[i]) {} catch {}
                }
            }
        }
        assertConserved();
        warpToEpoch(8);
        for (uint256 i = 0; i < auditors.length; i++) {
            uint128 bonded = court.auditor(auditors[i]).bonded;
            vm.prank(auditors[i]);
            court.withdrawStake(bonded);
        }
    }

    /// @dev A dishonest minority of a jury of 3 or 5 votes against the truth, the honest majority with it: every
    /// honest juror ends richer than it started, every dishonest one poorer (it loses its deposit).
    function testFuzz_honestMajorityOutearnsADishonestMinority(
        uint8 dishonestSeed,
        bool truthUpholds,
        bool five
    ) public {
        if (five) useJurySize(5);
        uint256 size = five ? 5 : 3;
        uint256 dishonest = bound(dishonestSeed, 0, (size - 1) / 2);
        signalAuditors(9, 1);
        warpToEpoch(1);
        (bytes32 caseId, ) = openCase("honest");
        address[] memory js = drawJury(caseId);
        uint8 truth = truthUpholds ? UPHOLD : REJECT;
        uint8 lie = truthUpholds ? REJECT : UPHOLD;
        uint8[] memory votes = new uint8[](size);
        for (uint256 i = 0; i < size; i++) votes[i] = i < dishonest ? lie : truth;
        vote(caseId, js, votes);
        warpToEpoch(3);
        court.finalize(caseId);
        for (uint256 i = 0; i < size; i++) {
            uint256 worth = eur.balanceOf(js[i]) + court.auditor(js[i]).bonded;
            if (i < dishonest) assertTrue(worth < AUDITOR_STAKE, "a dishonest juror loses");
            else assertTrue(worth > AUDITOR_STAKE, "an honest juror gains");
        }
        assertConserved();
    }

    function useJurySize(uint8 size) internal {
        IOutcomeCourt.Params memory p = defaultParams();
        p.firstJurySize = size;
        vm.prank(governor);
        bytes32 id = governance.proposeParams(p);
        vm.prank(vetter);
        governance.approveParams(id);
        vm.prank(bank);
        governance.approveParams(id);
    }

    /// @dev The draw's gas at 7, 70 and 700 signalling auditors stays within 10% of the gas at 7.
    function testDrawGasDoesNotGrowWithTheNumberOfStakers() public {
        uint256[3] memory sizes = [uint256(7), 70, 700];
        uint256[3] memory gasUsed;
        for (uint256 k = 0; k < 3; k++) {
            delete auditors;
            setUpCourt();
            signalAuditors(sizes[k], 1, false);
            warpToEpoch(1);
            (bytes32 caseId, ) = openCase("gas");
            runBeacon(caseId);
            uint256 before = gasleft();
            court.draw(caseId);
            gasUsed[k] = before - gasleft();
            assertEq(uint8(court.getCase(caseId).status), uint8(IOutcomeCourt.CaseStatus.Voting), "lottery open");
            // solhint-disable-next-line no-console
            console.log("draw gas with stakers:", sizes[k], gasUsed[k]);
        }
        for (uint256 k = 1; k < 3; k++) {
            assertTrue(gasUsed[k] * 10 <= gasUsed[0] * 11, "no more than 10% above the draw at 7 stakers");
            assertTrue(gasUsed[k] * 10 >= gasUsed[0] * 9, "no less than 10% below the draw at 7 stakers");
        }
    }
}
