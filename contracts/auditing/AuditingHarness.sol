// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Shared set-up for the auditing tests: a consortium (two governors who also vet auditors, a bank, a provider and a
// recipient), the EUR settlement token, the members' beacon and the court with its escrow and ticket registry;
// helpers that run one complaint through beacon, lottery, claims with committed votes, and reveals. The auditors'
// ticket trees are built here independently of AuditorTickets (a second implementation of the same layout).
import {ConsortiumRegistry} from "../membership/ConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {SettlementToken} from "../settlement/SettlementToken.sol";
import {TestBase} from "../testing/TestBase.sol";
import {IAuditorTickets} from "./IAuditorTickets.sol";
import {ICourtGovernance} from "./ICourtGovernance.sol";
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
    uint256 internal constant SLOTS = 256;
    /// @dev 3 per seat: with the tests' pools (at most 3 x jury size) every auditor of the pool is drawn, so the
    /// panel is the jury size's lowest tickets; the lottery's odds below 1 are tested on their own.
    uint8 internal constant TICKETS_PER_SEAT = 3;

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
    IAuditorTickets internal tickets;
    ICourtGovernance internal governance;
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
        tickets = court.tickets();
        governance = court.governance();
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
                ticketsPerSeat: TICKETS_PER_SEAT,
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
        signalAuditors(n, epochs, true);
    }

    /// @dev As above; without trees the roots are placeholders (for auditors that will never claim: building 700
    /// trees would not fit a test's gas).
    function signalAuditors(uint256 n, uint64 epochs, bool withTrees) internal {
        uint256 start = auditors.length;
        for (uint256 i = start; i < start + n; i++) {
            address a = auditorAt(i);
            vm.prank(vetter);
            court.vetAuditor(a, keccak256(abi.encode("did:ethr:auditor", i)), address(0));
            fund(a, AUDITOR_STAKE);
            approveAs(a, address(court), AUDITOR_STAKE);
            if (withTrees) {
                signalAs(a, AUDITOR_STAKE, 4, epochs, bytes32(i));
            } else {
                bytes32[] memory placeholders = new bytes32[](epochs);
                for (uint256 e = 0; e < epochs; e++) placeholders[e] = bytes32(uint256(1));
                uint64 first = court.currentEpoch() + 1;
                vm.prank(a);
                court.signal(AUDITOR_STAKE, 4, epochs, bytes32(i), first, placeholders);
            }
            auditors.push(a);
        }
    }

    /// @dev Signals as `a` from the next epoch, with the roots of its ticket trees.
    function signalAs(address a, uint128 amount, uint16 capacity, uint64 epochs, bytes32 key) internal {
        uint64 first = court.currentEpoch() + 1;
        bytes32[] memory roots = new bytes32[](epochs);
        for (uint64 e = 0; e < epochs; e++) roots[e] = ticketRoot(ticketSeed(a, first + e));
        vm.prank(a);
        court.signal(amount, capacity, epochs, key, first, roots);
    }

    function ticketSeed(address a, uint64 epoch) internal pure returns (bytes32) {
        return keccak256(abi.encode("ticket seed", a, epoch));
    }

    function ticketSecret(bytes32 seed, uint256 slot) internal pure returns (bytes32) {
        return keccak256(abi.encode(seed, slot));
    }

    function ticketTree(bytes32 seed) internal pure returns (bytes32[][] memory levels) {
        levels = new bytes32[][](9);
        levels[0] = new bytes32[](SLOTS);
        for (uint256 j = 0; j < SLOTS; j++) {
            levels[0][j] = keccak256(bytes.concat(keccak256(abi.encode(j, ticketSecret(seed, j)))));
        }
        for (uint256 d = 1; d <= 8; d++) {
            levels[d] = new bytes32[](levels[d - 1].length / 2);
            for (uint256 i = 0; i < levels[d].length; i++) {
                levels[d][i] = keccak256(abi.encode(levels[d - 1][2 * i], levels[d - 1][2 * i + 1]));
            }
        }
    }

    function ticketRoot(bytes32 seed) internal pure returns (bytes32) {
        return ticketTree(seed)[8][0];
    }

    function ticketProof(bytes32 seed, uint256 slot) internal pure returns (bytes32[] memory proof) {
        bytes32[][] memory levels = ticketTree(seed);
        proof = new bytes32[](8);
        uint256 position = slot;
        for (uint256 d = 0; d < 8; d++) {
            proof[d] = levels[d][position ^ 1];
            position >>= 1;
        }
    }

    /// @dev `a`'s ticket in the lottery of the case's current round.
    function ticketIn(bytes32 caseId, address a) internal view returns (uint64) {
        IOutcomeCourt.Panel memory p = court.panel(caseId, court.getCase(caseId).round);
        bytes32 secret = ticketSecret(ticketSeed(a, p.epoch), p.slot);
        return uint64(uint256(keccak256(abi.encode(secret, p.seed))) >> 192);
    }

    /// @dev `juror`'s secret and proof for the current lottery (computed before any expectRevert: it reads the court).
    function ticketFor(bytes32 caseId, address juror) internal view returns (bytes32 secret, bytes32[] memory proof) {
        IOutcomeCourt.Panel memory p = court.panel(caseId, court.getCase(caseId).round);
        bytes32 seed = ticketSeed(juror, p.epoch);
        return (ticketSecret(seed, p.slot), ticketProof(seed, p.slot));
    }

    /// @dev `juror` claims its seat in the current lottery with `committed` as its vote commitment.
    function claim(bytes32 caseId, address juror, bytes32 committed) internal {
        (bytes32 secret, bytes32[] memory proof) = ticketFor(caseId, juror);
        vm.prank(juror);
        court.commitVote(caseId, committed, secret, proof);
    }

    /// @dev `a` reveals its ticket seeds through epoch `through` (which must be over).
    function revealSeeds(address a, uint64 through) internal {
        (uint64 from, ) = tickets.revealedThrough(a);
        if (from >= through) return;
        bytes32[] memory seeds = new bytes32[](through - from);
        for (uint64 e = from + 1; e <= through; e++) seeds[e - from - 1] = ticketSeed(a, e);
        vm.prank(a);
        tickets.revealSeeds(from + 1, seeds);
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

    /// @dev Runs the beacon and opens the lottery; returns the auditors that will sit if they claim: the jury size's
    /// lowest tickets among the drawn auditors that may claim (not affiliated, not on the first jury), lowest first.
    /// Empty when the draw failed (the case is back to Drawing).
    function drawJury(bytes32 caseId) internal returns (address[] memory js) {
        runBeacon(caseId);
        court.draw(caseId);
        IOutcomeCourt.Case memory c = court.getCase(caseId);
        drawnRound = c.round;
        drawnAttempt = c.attempt;
        if (c.status != IOutcomeCourt.CaseStatus.Voting) return js;
        IOutcomeCourt.Panel memory p = court.panel(caseId, c.round);
        address[] memory drawn = new address[](auditors.length);
        uint64[] memory ticketValues = new uint64[](auditors.length);
        uint256 n = 0;
        for (uint256 i = 0; i < auditors.length; i++) {
            address a = auditors[i];
            if (tickets.rootOf(a, p.epoch) == 0 || !mayClaim(caseId, c.round, a)) continue;
            uint64 t = ticketIn(caseId, a);
            if (t > p.threshold) continue;
            // Insertion sort by ticket (a handful of auditors).
            uint256 at = n++;
            while (at > 0 && ticketValues[at - 1] > t) {
                (drawn[at], ticketValues[at]) = (drawn[at - 1], ticketValues[at - 1]);
                at--;
            }
            (drawn[at], ticketValues[at]) = (a, t);
        }
        uint256 size = n < p.size ? n : p.size;
        js = new address[](size);
        for (uint256 i = 0; i < size; i++) js[i] = drawn[i];
    }

    /// @dev Neither a party's member by affiliation nor on the first jury (the court's own rules, read from outside).
    function mayClaim(bytes32 caseId, uint8 round, address a) internal view returns (bool) {
        IServiceEscrow.Parties memory parties_ = court.parties(caseId);
        address affiliation = court.auditor(a).affiliation;
        if (affiliation != address(0)) {
            if (affiliation == parties_.providerMember || affiliation == parties_.recipientMember) return false;
        }
        if (a == parties_.provider || a == parties_.recipient) return false;
        return round == 0 || !court.ballot(caseId, 0, a).seated;
    }

    function salt(address juror) internal pure returns (bytes32) {
        return keccak256(abi.encode("salt", juror));
    }

    /// @dev The commitment for the panel drawJury last drew (no external call, so it can sit between a prank and
    /// the call it is meant for).
    function commitment(bytes32 caseId, address juror, uint8 choice, bytes32 s) internal view returns (bytes32) {
        return keccak256(abi.encode(caseId, drawnRound, drawnAttempt, juror, choice, s));
    }

    /// @dev Juror i claims its seat committing `votes[i]` and reveals it (0: claims, committing an uphold, and stays
    /// silent), then tallies.
    function vote(bytes32 caseId, address[] memory js, uint8[] memory votes) internal {
        for (uint256 i = 0; i < js.length; i++) {
            uint8 committed = votes[i] == 0 ? UPHOLD : votes[i];
            claim(caseId, js[i], commitment(caseId, js[i], committed, salt(js[i])));
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
