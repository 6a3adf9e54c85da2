// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IServiceEscrow} from "./IServiceEscrow.sol";

/// @title IOutcomeCourt
/// @notice Staked auditor juries validating the outcomes of the service tasks its ServiceEscrow (deployed by the court's
/// constructor, see IServiceEscrow) holds in escrow (EEA use case 5). A complaint (with a stake) gets an odd jury drawn from the auditors signalling for
/// the current epoch, with randomness from the members' commit-reveal beacon, excluding auditors affiliated with either
/// party; jurors commit hidden votes, reveal them, and the majority takes the minority's deposits and the requester's
/// stake (or the validation fee from it). Either party may object during the verdict's epoch or the next with a stake
/// sized on the value at risk, which draws a second, fresh jury. Ties and missing quorums repeat the draw next epoch,
/// at most `maxAttempts` times per round, so every validation ends. Parameters change by a majority of governors.
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
        uint8 drawTriesPerSeat; // random indices tried per seat (bounds the draw's cost)
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

    struct Panel {
        uint64 commitEnd;
        uint64 revealEnd;
        uint8 size;
        uint8 yes;
        uint8 no;
        uint8 revealed;
    }

    struct Ballot {
        bytes32 commitment;
        uint8 vote; // 0 none, 1 uphold the complaint, 2 reject it
        bool seated;
    }

    error NotGovernor(address account);
    error NotVetter(address account);
    error InvalidParams(string field);
    error UnknownProposal(bytes32 id);
    error AlreadyApproved(bytes32 id, address governor);
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

    event ParamsProposed(bytes32 indexed id, address indexed governor, Params params);
    event ParamsApproved(bytes32 indexed id, address indexed governor);
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
    event JurorDrawn(bytes32 indexed caseId, uint8 round, uint8 attempt, address indexed juror, uint256 deposit);
    event JuryDrawn(bytes32 indexed caseId, uint8 round, uint8 attempt, uint64 commitEnd, uint64 revealEnd);
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

    /// @notice Proposes new parameters; executes at once when the proposer alone is a majority of governors.
    /// @dev Only governors. The id is keccak256(chainid, this, proposer, params). Emits ParamsProposed.
    function proposeParams(Params calldata proposed) external returns (bytes32 id);

    /// @notice Approves a parameter proposal; it takes effect when a strict majority of governors in office approved.
    function approveParams(bytes32 id) external;

    /// @notice The parameters in force.
    function params() external view returns (Params memory);

    // ---- auditors ----

    /// @notice A KYC vetter vouches for `account`'s DID and affiliation; `vetQuorum` vetters make it an auditor.
    function vetAuditor(address account, bytes32 didHash, address affiliation) external;

    /// @notice A KYC vetter records that `account` now works for `affiliation` (address(0): independent).
    function declareAffiliation(address account, address affiliation) external;

    /// @notice A vetted auditor stakes `amount` more (pull) and signals for the next `epochs` epochs, validating at
    /// most `capacity` outcomes per epoch; it stays bonded through the last of them, then unbonds automatically.
    function signal(uint128 amount, uint16 capacity, uint64 epochs, bytes32 encryptionKey) external;

    /// @notice Withdraws `amount` of the caller's stake after its last signalled epoch, with no open validation.
    function withdrawStake(uint128 amount) external;

    // ---- cases ----

    /// @notice The recipient complains about a completed task before its escrow is due, with a stake (pull) of
    /// `complaintStakeBps` of the fee; the escrow holds the task. Opens the case's beacon round. Case id:
    /// keccak256(taskId, requester). The escrow itself calls it, with no stake, for a task its random-audit lottery
    /// selected (the requester is then the escrow).
    function complain(bytes32 taskId, bytes32 evidenceHash) external returns (bytes32 caseId);

    /// @notice Anyone draws the jury once the beacon round is ready (cost bounded by jury size x tries, independent
    /// of the number of auditors). A failed beacon or too few eligible auditors schedules the next attempt.
    function draw(bytes32 caseId) external;

    /// @notice A party records an evidence envelope encrypted to one drawn juror's key (digest only on chain).
    function shareEvidence(bytes32 caseId, address juror, bytes32 envelopeHash) external;

    /// @notice A drawn juror commits keccak256(abi.encode(caseId, round, attempt, juror, vote, salt)).
    function commitVote(bytes32 caseId, bytes32 commitment) external;

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
