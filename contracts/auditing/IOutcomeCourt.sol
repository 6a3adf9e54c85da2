// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAuditorTickets} from "./IAuditorTickets.sol";
import {ICourtGovernance} from "./ICourtGovernance.sol";
import {IServiceEscrow} from "./IServiceEscrow.sol";

/// @title IOutcomeCourt
/// @notice Staked auditor juries validating the outcomes of the service tasks its ServiceEscrow (deployed by the court's
/// constructor, see IServiceEscrow) holds in escrow (EEA use case 5). A complaint (with a stake) gets an odd jury drawn
/// blind from the auditors signalling for the current epoch: the draw opens a lottery with a seed from the members'
/// commit-reveal beacon, each auditor alone knows its ticket (from a secret it committed to before the seed existed,
/// IAuditorTickets), a drawn auditor claims a seat by committing its vote with its ticket, and the `size` lowest
/// tickets claimed sit; a juror becomes known only by a claim that binds its vote, so nobody can find a juror that
/// has not voted yet, and a juror can see only others whose votes can no longer change. Auditors affiliated with either
/// party cannot claim; a drawn auditor that does not claim is slashed once its epoch seed is revealed. Jurors reveal
/// their votes, and the majority takes the minority's deposits and the requester's
/// stake (or the validation fee from it). Either party may object during the verdict's epoch or the next with a stake
/// sized on the value at risk, which draws a second, fresh jury. Ties and missing quorums repeat the draw next epoch,
/// at most `maxAttempts` times per round, so every validation ends. Parameters change by a majority of governors (ICourtGovernance).
/// All amounts are in the settlement token's minor units; every payment is pull-based (`transferFrom` after approve).
interface IOutcomeCourt {
    /// @notice A case's life: waiting for a draw, jurors voting, a verdict open to objection, closed.
    enum CaseStatus {
        None,
        Drawing,
        Voting,
        Provisional,
        Closed
    }

    /// @notice What a jury found: the complaint upheld (the outcome fell short), rejected (the outcome met the
    /// agreement), or no verdict after `maxAttempts` draws.
    enum Verdict {
        None,
        Upheld,
        Rejected,
        Unresolved
    }

    /// @notice Why a case paid someone: the requester's stake back (less any fee), a share of the first or the
    /// objection jury's majority, the objector's stake with its share, or the objector's stake back.
    enum PayReason {
        RequesterStake,
        FirstMajority,
        ObjectionMajority,
        ObjectionUpheld,
        ObjectionStakeReturned
    }

    /// @notice The governed parameters. Bps are parts of 10 000.
    struct Params {
        uint64 commitSeconds; // jurors' commit period after a draw
        uint64 revealSeconds; // jurors' reveal period after the commit period
        uint128 minAuditorStake; // stake an auditor must hold to signal
        uint128 jurorDeposit; // per-outcome deposit locked from a drawn juror's stake
        uint16 complaintStakeBps; // requester's stake, of the task fee
        uint16 validationFeeBps; // of the requester's stake, to the majority when the complaint is upheld
        uint16 objectionStakeBps; // objector's stake, of the value at risk (the escrow)
        uint16 objectorShareBps; // objector's share of what the contradicted first majority forfeits
        uint8 firstJurySize; // odd
        uint8 objectionJurySize; // odd
        uint8 maxAttempts; // draws per round before the round ends unresolved
        uint8 ticketsPerSeat; // auditors drawn per seat on average (the lottery's odds: size x this / pool size)
        uint8 vetQuorum; // KYC vetters that must vet an auditor
        uint8 maxSignalEpochs; // epochs an auditor may stay bonded for in one signal
        address slashSink; // receives slashed deposits (the bank, which burns them)
    }

    struct Auditor {
        bytes32 didHash;
        address affiliation; // member the auditor works for, address(0) when independent
        uint128 bonded;
        uint128 locked;
        uint64 lastEpoch; // last epoch it signalled for
        uint16 capacity; // outcomes per epoch it accepts
        uint16 openCases;
        uint8 vetCount;
        bytes32 encryptionKey; // x coordinate of the P-256 public key evidence is encrypted to (ECDH-ES)
    }

    struct Case {
        bytes32 taskId;
        address requester;
        address objector;
        uint128 requesterStake;
        uint128 objectionStake;
        CaseStatus status;
        uint8 round; // 0 first jury, 1 objection jury
        uint8 attempt;
        Verdict firstVerdict;
        Verdict finalVerdict;
        uint64 verdictEpoch;
        bytes32 beaconKey;
    }

    /// @notice A round's jury: its windows and votes, and its lottery (the tickets' epoch and slot, the beacon seed,
    /// and the threshold: an auditor is drawn when its ticket is at most `threshold`).
    struct Panel {
        uint64 commitEnd;
        uint64 revealEnd;
        uint8 size;
        uint8 yes;
        uint8 no;
        uint8 revealed;
        uint64 epoch;
        uint16 slot;
        uint64 threshold;
        bytes32 seed;
    }

    /// @notice One auditor's claim in a lottery: `claimed` once it committed (or was slashed as silent), `seated`
    /// while its ticket is among the panel's lowest.
    struct Ballot {
        bytes32 commitment;
        uint8 vote; // 0 none, 1 uphold the complaint, 2 reject it
        bool seated;
        bool claimed;
        uint64 ticket;
    }

    error NotGovernance(address caller);
    error NotVetter(address account);
    error InvalidParams(string field);
    error NotParty(bytes32 id, address caller);
    error DidTaken(bytes32 didHash, address auditor);
    error VettingMismatch(address auditor, string field);
    error AlreadyVetted(address auditor, address vetter);
    error AuditorNotVetted(address auditor);
    error StakeTooLow(uint256 bonded, uint256 required);
    error SignalOutOfRange(uint256 epochs, uint256 max);
    error StakeBondedUntil(address auditor, uint64 epochEndsAt);
    error StakeInOpenValidation(address auditor, uint256 openCases);
    error InsufficientFreeStake(address auditor, uint256 free, uint256 amount);
    error CaseExists(bytes32 caseId);
    error UnknownCase(bytes32 caseId);
    error WrongCaseStatus(bytes32 caseId, CaseStatus status);
    error BeaconNotReady(bytes32 caseId, bytes32 beaconKey);
    error NotAJuror(bytes32 caseId, address account);
    error AffiliatedJuror(bytes32 caseId, address juror, address member);
    error SignalEpochMoved(uint64 given, uint64 expected);
    error InvalidTicket(bytes32 caseId, address auditor);
    error NotDrawn(bytes32 caseId, address auditor, uint64 ticket, uint64 threshold);
    error OnFirstJury(bytes32 caseId, address auditor);
    error NotSilent(bytes32 caseId, address auditor);
    error TicketSeedsPending(address auditor, uint64 revealedThrough, uint64 lastEpoch);
    error SlashWindowOpen(address auditor, uint64 closesAt);
    error AlreadyCommitted(bytes32 caseId, address juror);
    error CommitClosed(bytes32 caseId, uint64 closedAt);
    error RevealNotOpen(bytes32 caseId, uint64 opensAt);
    error RevealClosed(bytes32 caseId, uint64 closedAt);
    error NotCommitted(bytes32 caseId, address juror);
    error AlreadyRevealed(bytes32 caseId, address juror);
    error InvalidVote(uint8 vote);
    error CommitmentMismatch(bytes32 caseId, address juror);
    error VotingNotOver(bytes32 caseId, uint64 endsAt);
    error ObjectionWindowClosed(bytes32 caseId, uint64 closedAtEpoch);
    error ObjectionWindowOpen(bytes32 caseId, uint64 closesAtEpoch);

    event ParamsChanged(bytes32 indexed id, Params params);
    event AuditorVetted(address indexed auditor, address indexed vetter, bytes32 didHash, address affiliation);
    event AffiliationDeclared(address indexed auditor, address indexed vetter, address affiliation);
    event AuditorSignalled(
        address indexed auditor,
        uint64 firstEpoch,
        uint64 lastEpoch,
        uint16 capacity,
        uint256 bonded
    );
    event StakeWithdrawn(address indexed auditor, uint256 amount);
    event ComplaintFiled(bytes32 indexed caseId, bytes32 indexed taskId, address indexed requester, uint256 stake);
    event DrawScheduled(bytes32 indexed caseId, uint8 round, uint8 attempt, bytes32 beaconKey, uint64 beaconStart);
    event DrawFailed(bytes32 indexed caseId, uint8 round, uint8 attempt, uint8 seated, uint8 needed);
    /// @notice A round's lottery is open: auditors holding a ticket at most `threshold` claim seats until `commitEnd`.
    event JuryDrawn(
        bytes32 indexed caseId,
        uint8 round,
        uint8 attempt,
        uint64 commitEnd,
        uint64 revealEnd,
        uint64 epoch,
        uint16 slot,
        bytes32 seed,
        uint64 threshold
    );
    /// @notice A drawn auditor committed its vote with its ticket; `seated` when the ticket is among the lowest so far
    /// (`deposit` is then locked from its stake; 0 otherwise).
    event SeatClaimed(
        bytes32 indexed caseId,
        uint8 round,
        uint8 attempt,
        address indexed juror,
        uint64 ticket,
        bool seated,
        uint256 deposit
    );
    /// @notice A lower ticket took `juror`'s seat; its deposit is released and its vote will not count.
    event JurorDisplaced(bytes32 indexed caseId, uint8 round, uint8 attempt, address indexed juror);
    event EvidenceShared(bytes32 indexed caseId, address indexed juror, address indexed from, bytes32 envelopeHash);
    event VoteCommitted(bytes32 indexed caseId, address indexed juror);
    event VoteRevealed(bytes32 indexed caseId, address indexed juror, uint8 vote);
    event JurorSlashed(bytes32 indexed caseId, address indexed juror, uint256 amount);
    event PanelTied(bytes32 indexed caseId, uint8 round, uint8 attempt, uint8 yes, uint8 no, uint8 revealed);
    event VerdictReached(bytes32 indexed caseId, uint8 round, Verdict verdict, uint8 yes, uint8 no);
    event Objected(bytes32 indexed caseId, address indexed objector, uint256 stake);
    event Paid(bytes32 indexed caseId, address indexed to, uint256 amount, PayReason why);
    event CaseClosed(bytes32 indexed caseId, Verdict finalVerdict);

    // ---- governance ----

    /// @notice The court's governance (ICourtGovernance, deployed by the court) sets new parameters once a majority
    /// of governors approved them (proposal `proposalId`); the governance emits ParamsChanged.
    function setParams(bytes32 proposalId, Params calldata changed) external;

    /// @notice The parameters in force.
    function params() external view returns (Params memory);

    // ---- auditors ----

    /// @notice A KYC vetter vouches for `account`'s DID and affiliation; `vetQuorum` vetters make it an auditor.
    function vetAuditor(address account, bytes32 didHash, address affiliation) external;

    /// @notice A KYC vetter records that `account` now works for `affiliation` (address(0): independent).
    function declareAffiliation(address account, address affiliation) external;

    /// @notice A vetted auditor stakes `amount` more (pull) and signals for the `epochs` epochs from `firstEpoch`
    /// (the next one: a transaction mined after the epoch turned is refused, SignalEpochMoved), validating at most
    /// `capacity` outcomes per epoch, with one ticket root per epoch (IAuditorTickets; an epoch already signalled
    /// keeps its root); it stays bonded through the last of them, then unbonds automatically.
    function signal(
        uint128 amount,
        uint16 capacity,
        uint64 epochs,
        bytes32 encryptionKey,
        uint64 firstEpoch,
        bytes32[] calldata ticketRoots
    ) external;

    /// @notice Withdraws `amount` of the caller's stake after its last signalled epoch, with no open validation and
    /// every signalled epoch's ticket seed revealed in an earlier epoch (the rest of that epoch is the window in which
    /// anyone slashes what the seeds show was silent).
    function withdrawStake(uint128 amount) external;

    // ---- cases ----

    /// @notice The recipient complains about a completed task before its escrow is due, with a stake (pull) of
    /// `complaintStakeBps` of the fee; the escrow holds the task. Opens the case's beacon round. Case id:
    /// keccak256(taskId, requester). The escrow itself calls it, with no stake, for a task its random-audit lottery
    /// selected (the requester is then the escrow).
    function complain(bytes32 taskId, bytes32 evidenceHash) external returns (bytes32 caseId);

    /// @notice Anyone opens the round's lottery once the beacon round is ready (constant cost, independent of the
    /// number of auditors): seed, epoch, slot and threshold. A failed beacon, a pool smaller than the jury or an
    /// epoch out of lottery slots schedules the next attempt.
    function draw(bytes32 caseId) external;

    /// @notice A party anchors the digest of its evidence (the plaintext every juror's envelope must open to; the
    /// envelopes themselves go to drawn jurors off chain, on a ticket proof).
    function shareEvidence(bytes32 caseId, bytes32 evidenceHash) external;

    /// @notice A drawn auditor claims a seat and commits keccak256(abi.encode(caseId, round, attempt, juror, vote,
    /// salt)) in one call, with its ticket secret for the round's lottery and the secret's Merkle proof. Refused
    /// when the ticket is above the threshold, the auditor is affiliated with a party or sat on the first jury (for
    /// an objection). The `size` lowest tickets claimed sit; a claim without capacity left this epoch or free stake
    /// for the deposit is recorded (not silent) but does not sit.
    function commitVote(bytes32 caseId, bytes32 commitment, bytes32 secret, bytes32[] calldata proof) external;

    /// @notice Anyone slashes the deposit of an auditor that was drawn in a lottery (round `round`, attempt
    /// `attempt` of the case) and did not claim, once its ticket seed for that epoch is revealed (up to its free
    /// stake); excused when it could not have claimed (affiliated with a party, or on the first jury).
    function slashSilent(bytes32 caseId, uint8 round, uint8 attempt, address auditor) external;

    /// @notice A juror reveals its vote (1 uphold the complaint, 2 reject it) and salt during the reveal period.
    function revealVote(bytes32 caseId, uint8 vote, bytes32 salt) external;

    /// @notice Anyone counts the votes after the reveal period: slashes jurors who did not reveal, and records a
    /// verdict or schedules a repeat.
    function tally(bytes32 caseId) external;

    /// @notice A party objects to the first verdict during its epoch or the next, staking `objectionStakeBps` of the
    /// value at risk (pull); a fresh jury of `objectionJurySize` is drawn.
    function object(bytes32 caseId) external;

    /// @notice Anyone closes a case whose first verdict's objection window passed, paying everyone out.
    function finalize(bytes32 caseId) external;

    // ---- views ----

    function epochOf(uint256 timestamp) external view returns (uint64);
    function currentEpoch() external view returns (uint64);
    function escrow() external view returns (IServiceEscrow);
    function tickets() external view returns (IAuditorTickets);
    function governance() external view returns (ICourtGovernance);
    function parties(bytes32 caseId) external view returns (IServiceEscrow.Parties memory);
    function auditor(address account) external view returns (Auditor memory);
    function isVetted(address account) external view returns (bool);
    function poolSize(uint64 epoch) external view returns (uint256);
    function getCase(bytes32 caseId) external view returns (Case memory);
    function panel(bytes32 caseId, uint8 round) external view returns (Panel memory);
    function jurors(bytes32 caseId, uint8 round) external view returns (address[] memory);
    function ballot(bytes32 caseId, uint8 round, address juror) external view returns (Ballot memory);

    /// @notice The contract's version, "1.0.0" (left-aligned bytes32).
    function version() external view returns (bytes32);
}
