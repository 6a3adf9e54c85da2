// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Plmn} from "./Plmn.sol";

/// @title IOperatorRegistry
/// @notice Which mobile operator (a consortium member holding MOBILE_OPERATOR) is the home operator of which network
/// code (PLMN = MCC + MNC), with the MSIN ranges it declares in each, and which did:ethr identity speaks for it (its
/// DID document carries the operator's encryption key). A network changes hands only through consortium governance:
/// an operator's claim, a release or a transfer is a proposal that executes once a strict majority of the CURRENT
/// governors (`IConsortiumRegistry.isGovernor` / `governorCount`) approved it before its deadline. Opening a proposal
/// never counts as an approval, and the operator a proposal benefits cannot approve it.
/// @dev Routing is unambiguous: a 3-digit-MNC code and the 2-digit-MNC code it extends (e.g. "310260" and "31026")
/// can never both be held, so the first six IMSI digits name at most one network (`resolve`).
/// MSIN ranges are public business facts (blocks of subscriber numbers), never individual subscribers.
interface IOperatorRegistry {
    /// @notice What a network proposal changes.
    enum ClaimKind {
        Claim,
        Release,
        Transfer
    }

    /// @notice Where a proposal stands. `Expired` is never stored: a pending proposal reads as expired once its
    /// deadline passed.
    enum ClaimStatus {
        Pending,
        Executed,
        Canceled,
        Expired
    }

    /// @notice An inclusive range of MSINs (the IMSI digits after MCC+MNC, as an integer) within one network.
    struct MsinRange {
        uint64 first;
        uint64 last;
    }

    /// @notice A network proposal. `operator` is the claimant (Claim), the receiving operator (Transfer) or the
    /// current holder (Release). `approvals` counts only approvers who are governors now.
    struct Claim {
        ClaimKind kind;
        ClaimStatus status;
        Plmn plmn;
        address operator;
        address proposer;
        uint64 deadline;
        uint256 approvals;
        MsinRange[] msinRanges;
    }

    /// @notice A network as registered: its operator (address(0) when unassigned), since when, and its MSIN ranges
    /// (empty = the whole MSIN space of the network).
    struct Network {
        address operator;
        uint64 since;
        MsinRange[] msinRanges;
    }

    /// @notice Emitted when a proposal is opened; `operator` as in `Claim`.
    event ClaimOpened(
        uint256 indexed id,
        ClaimKind kind,
        Plmn indexed plmn,
        address indexed operator,
        address proposer,
        uint64 deadline,
        MsinRange[] msinRanges
    );
    /// @notice Emitted for each governor's approval; `approvals` counts current governors.
    event ClaimApproved(uint256 indexed id, address indexed governor, uint256 approvals);
    /// @notice Emitted when a governor withdraws its approval.
    event ClaimApprovalWithdrawn(uint256 indexed id, address indexed governor, uint256 approvals);
    /// @notice Emitted when a proposal reached a strict majority and its change was applied.
    event ClaimExecuted(uint256 indexed id);
    /// @notice Emitted when the proposer cancels its pending proposal.
    event ClaimCanceled(uint256 indexed id);
    /// @notice Emitted whenever a network's operator changes: from address(0) on a claim, to address(0) on a release.
    event NetworkOperatorChanged(Plmn indexed plmn, address indexed previousOperator, address indexed operator);
    /// @notice Emitted when a network's MSIN ranges are set (by an executed claim or by its operator); empty = all.
    event MsinRangesSet(Plmn indexed plmn, MsinRange[] msinRanges);
    /// @notice Emitted when an operator names the did:ethr identity that speaks for it (address(0) clears it).
    event OperatorIdentitySet(address indexed operator, address indexed identity);

    /// @notice Thrown when a constructor argument is the zero address.
    error ZeroAddress();
    /// @notice Thrown when `account` does not act for a member holding MOBILE_OPERATOR.
    error NotAnOperator(address account);
    /// @notice Thrown when `account` must be an active governor (a governing member's own address) and is not.
    error NotGovernor(address account);
    /// @notice Thrown when a PLMN is not 3 MCC digits + 2 or 3 MNC digits in the `Plmn` encoding.
    error InvalidPlmn(Plmn plmn);
    /// @notice Thrown when a network to claim already has an operator.
    error NetworkAlreadyAssigned(Plmn plmn, address operator);
    /// @notice Thrown when a network to claim overlaps a held code (its 2-digit form or one of its 3-digit extensions).
    error NetworkOverlaps(Plmn plmn, Plmn heldPlmn, address operator);
    /// @notice Thrown when a release or transfer names a network that has no operator.
    error NetworkNotAssigned(Plmn plmn);
    /// @notice Thrown when `caller` may not change `plmn` (neither its operator nor, for proposals, a governor).
    error NotNetworkOperator(Plmn plmn, address caller, address operator);
    /// @notice Thrown when a transfer's recipient already holds the network.
    error TransferToHolder(Plmn plmn, address operator);
    /// @notice Thrown when an MSIN range at `index` is reversed, beyond the network's MSIN length, or not strictly
    /// after the previous range (ranges must be sorted and disjoint).
    error InvalidMsinRange(uint256 index, uint64 first, uint64 last);
    /// @notice Thrown when more MSIN ranges are given than `MAX_MSIN_RANGES`.
    error TooManyMsinRanges(uint256 count, uint256 max);
    /// @notice Thrown when a Release or Transfer proposal carries MSIN ranges.
    error MsinRangesNotAllowed(ClaimKind kind);
    /// @notice Thrown when a voting period is outside [min, max] seconds.
    error VotingPeriodOutOfRange(uint64 votingPeriod, uint64 min, uint64 max);
    /// @notice Thrown when no proposal has this id.
    error UnknownClaim(uint256 id);
    /// @notice Thrown when a proposal is no longer pending (executed, canceled or expired).
    error ClaimNotPending(uint256 id, ClaimStatus status);
    /// @notice Thrown when a governor approves a proposal twice.
    error AlreadyApproved(uint256 id, address governor);
    /// @notice Thrown when a governor withdraws an approval it never gave.
    error NotApproved(uint256 id, address governor);
    /// @notice Thrown when the operator a proposal benefits (the claimant, or a transfer's recipient) approves it: a
    /// network never changes hands by the receiving operator's vote.
    error InterestedApprover(uint256 id, address governor);
    /// @notice Thrown when someone other than the proposer cancels a proposal.
    error NotProposer(uint256 id, address caller);
    /// @notice Thrown when a release or transfer executes but the network's operator is no longer the `holder` the
    /// proposal was made against (it changed hands in between).
    error NetworkChangedSinceProposal(uint256 id, Plmn plmn, address holder, address operator);
    /// @notice Thrown when `executeClaim` is called before a strict majority of current governors approved.
    error MajorityNotReached(uint256 id, uint256 approvals, uint256 governors);
    /// @notice Thrown when the identity's ERC-1056 owner (`owner`) does not act for `operator` in the consortium.
    error IdentityNotControlled(address identity, address owner, address operator);

    /// @notice Opens a claim of `plmn` for the caller's member.
    /// @param msinRanges The MSIN ranges the operator declares in the network, sorted and disjoint; empty = all.
    /// @param votingPeriod Seconds the governors have to approve, within [1 hour, 30 days].
    /// @dev Requirements: the caller acts for a MOBILE_OPERATOR member; `plmn` is valid, unassigned and overlaps no
    /// held code; the ranges are valid for the network's MSIN length. Several claims of one code may be pending: the
    /// first to execute wins, the others then fail at execution. Emits ClaimOpened.
    /// @return id The proposal id (the first is 1).
    function claimNetwork(
        Plmn plmn,
        MsinRange[] calldata msinRanges,
        uint64 votingPeriod
    ) external returns (uint256 id);

    /// @notice Proposes that `plmn` becomes unassigned.
    /// @dev Requirements: the network is assigned; the caller acts for its operator or is a governor.
    /// Emits ClaimOpened.
    function proposeRelease(Plmn plmn, uint64 votingPeriod) external returns (uint256 id);

    /// @notice Proposes that `plmn` passes to operator `to` (its MSIN ranges are cleared).
    /// @dev Requirements: the network is assigned; the caller acts for its operator or is a governor; `to` is an
    /// active MOBILE_OPERATOR member other than the holder. Emits ClaimOpened.
    function proposeTransfer(Plmn plmn, address to, uint64 votingPeriod) external returns (uint256 id);

    /// @notice Approves a pending proposal and executes it in the same transaction once the approvals of current
    /// governors are a strict majority (> half) of the current governor count.
    /// @dev Requirements: the caller is an active governor, not the operator the proposal benefits; the
    /// proposal is pending, before its deadline, not yet approved by the caller; at execution the change is still
    /// valid (re-checked). Emits ClaimApproved, then ClaimExecuted, NetworkOperatorChanged (and MsinRangesSet for a
    /// claim) when the majority is reached.
    function approveClaim(uint256 id) external;

    /// @notice Executes a pending proposal that already has a strict majority, e.g. after the governor set shrank.
    /// @dev Requirements: the caller is an active governor; the proposal is pending, before its deadline, with a
    /// strict majority of current governors. Emits ClaimExecuted and the change's events.
    function executeClaim(uint256 id) external;

    /// @notice Withdraws the caller's approval of a pending proposal.
    /// @dev Requirements: the proposal is pending and before its deadline; the caller approved it.
    /// Emits ClaimApprovalWithdrawn.
    function withdrawClaimApproval(uint256 id) external;

    /// @notice Cancels a pending proposal.
    /// @dev Requirements: the caller is the proposer (the member address the proposal recorded, or an account acting
    /// for it); the proposal is pending. Emits ClaimCanceled.
    function cancelClaim(uint256 id) external;

    /// @notice Replaces the MSIN ranges of a network the caller's member holds (they describe only its own network).
    /// @dev Requirements: the caller acts for the network's operator; the ranges are valid. Emits MsinRangesSet.
    function setMsinRanges(Plmn plmn, MsinRange[] calldata msinRanges) external;

    /// @notice Names the did:ethr identity whose DID document carries the caller's member's encryption keys;
    /// address(0) clears it.
    /// @dev Requirements: the caller acts for a MOBILE_OPERATOR member; a non-zero identity's current ERC-1056 owner
    /// acts for that same member (`memberOf(identityOwner(identity)) == member`). Emits OperatorIdentitySet.
    function setOperatorIdentity(address identity) external;

    /// @notice The operator of `plmn` (address(0) when unassigned).
    function operatorOf(Plmn plmn) external view returns (address);

    /// @notice The home network an IMSI belongs to, from its first six digits (ASCII): the 3-digit-MNC code if held,
    /// else the 2-digit-MNC one; (0, address(0)) when neither is held.
    /// @dev Meant for the operator's own node (an eth_call is not recorded on chain); agents normally answer this
    /// from their read model instead.
    function resolve(bytes6 imsiHead) external view returns (Plmn plmn, address operator);

    /// @notice A network's record (zero operator and no ranges when unassigned).
    function network(Plmn plmn) external view returns (Network memory);

    /// @notice The networks `operator` holds, in no particular order.
    function networksOf(address operator) external view returns (Plmn[] memory);

    /// @notice How many networks `operator` holds.
    function networkCount(address operator) external view returns (uint256);

    /// @notice The did:ethr identity that speaks for `operator` (address(0) when not set).
    function operatorIdentity(address operator) external view returns (address);

    /// @notice A proposal with its current status and approvals of current governors.
    /// @dev Requirements: the proposal exists.
    function claim(uint256 id) external view returns (Claim memory);

    /// @notice Whether `governor` has an approval recorded on proposal `id` (counted only while it is a governor).
    function hasApprovedClaim(uint256 id, address governor) external view returns (bool);

    /// @notice Number of proposals ever opened (the highest id).
    function claimCount() external view returns (uint256);

    /// @notice The consortium registry asked for roles, membership and governors.
    function consortium() external view returns (address);

    /// @notice The ERC-1056 DID registry asked for identity owners.
    function didRegistry() external view returns (address);

    /// @notice The contract's version, "1.0.0".
    function version() external view returns (string memory);
}
