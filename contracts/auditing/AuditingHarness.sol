// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Shared set-up for the auditing tests: a consortium (two governors who also vet auditors, a bank, a provider and a
// recipient), the EUR settlement token, the members' beacon and the court with its escrow; helpers that run one
// complaint through beacon, draw, commit and reveal.
import {ConsortiumRegistry} from "../membership/ConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {SettlementToken} from "../settlement/SettlementToken.sol";
import {TestBase} from "../testing/TestBase.sol";
import {IMemberBeacon} from "./IMemberBeacon.sol";
import {IOutcomeCourt} from "./IOutcomeCourt.sol";
import {IServiceEscrow} from "./IServiceEscrow.sol";
import {MemberBeacon} from "./MemberBeacon.sol";
import {OutcomeCourt} from "./OutcomeCourt.sol";

abstract contract AuditingHarness is TestBase {
    uint64 internal constant EPOCH = 30 days;
    uint64 internal constant BEACON_PHASE = 1 hours;
    uint128 internal constant FEE = 1_000_00;
    uint128 internal constant AUDITOR_STAKE = 100_00;
    uint8 internal constant UPHOLD = 1;
    uint8 internal constant REJECT = 2;

    address internal governor = address(0x60);
    address internal vetter = address(0x61);
    address internal bank = address(0xBA);
    address internal provider = address(0xA1);
    address internal recipient = address(0xB2);

    ConsortiumRegistry internal consortium;
    SettlementToken internal eur;
    MemberBeacon internal beacon;
    OutcomeCourt internal court;
    IServiceEscrow internal escrow;
    address[] internal auditors;
    uint256 internal minted;
    uint256 private _refs;
    uint64 internal genesis;
    uint8 internal drawnRound;
    uint8 internal drawnAttempt;

    function setUpCourt() internal {
        address[] memory founders = new address[](5);
        founders[0] = governor;
        founders[1] = vetter;
        founders[2] = bank;
        founders[3] = provider;
        founders[4] = recipient;
        string[] memory names = new string[](5);
        bytes32[][] memory roles = new bytes32[][](5);
        for (uint256 i = 0; i < 5; i++) {
            names[i] = "member";
            roles[i] = new bytes32[](1);
        }
        roles[0] = new bytes32[](2);
        roles[0][0] = Roles.GOVERNOR;
        roles[0][1] = Roles.KYC_VETTER;
        roles[1][0] = Roles.KYC_VETTER;
        roles[2][0] = Roles.SETTLEMENT_BANK;
        roles[3][0] = Roles.MOBILE_OPERATOR;
        roles[4][0] = Roles.ENTERPRISE;
        consortium = new ConsortiumRegistry(founders, names, roles);
        eur = new SettlementToken(consortium, "EUR", 2);
        beacon = new MemberBeacon(consortium, BEACON_PHASE, 1);
        genesis = uint64(block.timestamp);
        court = new OutcomeCourt(consortium, eur, beacon, EPOCH, defaultParams());
        escrow = court.escrow();
    }

    function defaultParams() internal view returns (IOutcomeCourt.Params memory) {
        return
            IOutcomeCourt.Params({
                commitSeconds: 1 days,
                revealSeconds: 1 days,
                minAuditorStake: AUDITOR_STAKE,
                jurorDeposit: 10_00,
                complaintStakeBps: 1_000,
                validationFeeBps: 2_000,
                objectionStakeBps: 2_000,
                objectorShareBps: 5_000,
                firstJurySize: 3,
                objectionJurySize: 5,
                maxAttempts: 3,
                drawTriesPerSeat: 8,
                vetQuorum: 1,
                maxSignalEpochs: 6,
                slashSink: bank
            });
    }

    function fund(address to, uint256 amount) internal {
        _refs++;
        vm.prank(bank);
        eur.mintOnFiatReceipt(to, amount, keccak256(abi.encode("receipt", _refs)));
        minted += amount;
    }

    function approveAs(address who, address spender, uint256 amount) internal {
        vm.prank(who);
        eur.approve(spender, amount);
    }

    function auditorAt(uint256 i) internal pure returns (address) {
        return address(uint160(0x10000 + i));
    }

    /// @dev Vets and stakes `n` more independent auditors, signalling from the next epoch for `epochs` epochs.
    function signalAuditors(uint256 n, uint64 epochs) internal {
        uint256 start = auditors.length;
        for (uint256 i = start; i < start + n; i++) {
            address a = auditorAt(i);
            vm.prank(vetter);
            court.vetAuditor(a, keccak256(abi.encode("did:ethr:auditor", i)), address(0));
            fund(a, AUDITOR_STAKE);
            approveAs(a, address(court), AUDITOR_STAKE);
            vm.prank(a);
            court.signal(AUDITOR_STAKE, 4, epochs, bytes32(i));
            auditors.push(a);
        }
    }

    function warpToEpoch(uint64 epoch) internal {
        vm.warp(genesis + uint256(epoch) * EPOCH + 1);
    }

    /// @dev An accepted agreement (60% now, 40% escrowed 90 days), a completed task and the recipient's complaint.
    function openCase(bytes32 ref) internal returns (bytes32 caseId, bytes32 taskId) {
        vm.prank(recipient);
        bytes32 agreementId = escrow.proposeAgreement(provider, FEE, 6_000, 90 days, 0, keccak256("MTTR<=4h"), ref);
        vm.prank(provider);
        escrow.acceptAgreement(agreementId);
        fund(recipient, FEE + FEE / 10);
        approveAs(recipient, address(escrow), FEE);
        vm.prank(recipient);
        taskId = escrow.orderTask(agreementId, ref);
        vm.prank(provider);
        escrow.reportCompletion(taskId, keccak256("installed and activated"));
        approveAs(recipient, address(court), FEE / 10);
        vm.prank(recipient);
        caseId = court.complain(taskId, keccak256("evidence"));
    }

    /// @dev The two vetting members commit and reveal beacon secrets for the case's current round, leaving the clock
    /// at the end of the reveal phase.
    function runBeacon(bytes32 caseId) internal {
        bytes32 key = court.getCase(caseId).beaconKey;
        IMemberBeacon.Round memory r = beacon.round(key);
        if (block.timestamp < r.commitStart) vm.warp(r.commitStart);
        bytes32 s1 = keccak256(abi.encode("s1", key));
        bytes32 s2 = keccak256(abi.encode("s2", key));
        vm.prank(governor);
        beacon.commit(key, keccak256(abi.encode(key, governor, s1)));
        vm.prank(vetter);
        beacon.commit(key, keccak256(abi.encode(key, vetter, s2)));
        vm.warp(r.revealStart);
        vm.prank(governor);
        beacon.reveal(key, s1);
        vm.prank(vetter);
        beacon.reveal(key, s2);
        vm.warp(r.revealEnd);
    }

    function drawJury(bytes32 caseId) internal returns (address[] memory) {
        runBeacon(caseId);
        court.draw(caseId);
        IOutcomeCourt.Case memory c = court.getCase(caseId);
        drawnRound = c.round;
        drawnAttempt = c.attempt;
        return court.jurors(caseId, c.round);
    }

    function salt(address juror) internal pure returns (bytes32) {
        return keccak256(abi.encode("salt", juror));
    }

    /// @dev The commitment for the panel drawJury last drew (no external call, so it can sit between a prank and
    /// the call it is meant for).
    function commitment(bytes32 caseId, address juror, uint8 choice, bytes32 s) internal view returns (bytes32) {
        return keccak256(abi.encode(caseId, drawnRound, drawnAttempt, juror, choice, s));
    }

    /// @dev Commits then reveals `votes[i]` for juror i (0 = stays silent), and tallies.
    function vote(bytes32 caseId, address[] memory js, uint8[] memory votes) internal {
        for (uint256 i = 0; i < js.length; i++) {
            if (votes[i] == 0) continue;
            vm.prank(js[i]);
            court.commitVote(caseId, commitment(caseId, js[i], votes[i], salt(js[i])));
        }
        IOutcomeCourt.Panel memory p = court.panel(caseId, court.getCase(caseId).round);
        vm.warp(p.commitEnd);
        for (uint256 i = 0; i < js.length; i++) {
            if (votes[i] == 0) continue;
            vm.prank(js[i]);
            court.revealVote(caseId, votes[i], salt(js[i]));
        }
        vm.warp(p.revealEnd);
        court.tally(caseId);
    }

    function same(uint256 n, uint8 v) internal pure returns (uint8[] memory votes) {
        votes = new uint8[](n);
        for (uint256 i = 0; i < n; i++) votes[i] = v;
    }

    /// @dev Every unit minted is held by someone we know: no path creates or loses tokens.
    function assertConserved() internal view {
        uint256 held = eur.balanceOf(address(court)) + eur.balanceOf(address(escrow)) + eur.balanceOf(bank);
        held += eur.balanceOf(provider) + eur.balanceOf(recipient);
        for (uint256 i = 0; i < auditors.length; i++) held += eur.balanceOf(auditors[i]);
        assertEq(held, minted, "every minted unit is accounted for");
        assertEq(eur.totalSupply(), minted, "the court mints and burns nothing");
    }

    /// @dev The court holds exactly the auditors' bonded stakes once no case is open.
    function assertCourtHoldsStakes() internal view {
        uint256 bonded = 0;
        for (uint256 i = 0; i < auditors.length; i++) bonded += court.auditor(auditors[i]).bonded;
        assertEq(eur.balanceOf(address(court)), bonded, "court balance = bonded stakes");
    }
}
