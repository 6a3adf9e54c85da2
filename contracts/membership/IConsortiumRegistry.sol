// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IConsortiumRegistry
/// @notice Consortium membership, roles and governance. There is no owner or admin key: every change to the member set
/// or to a member's roles is a proposal that executes once a strict majority of the current governors approved it.
/// Domain contracts only ask `hasRole(account, role)`; accounts a member bound to itself act for that member.
interface IConsortiumRegistry {
    /// @notice What a proposal changes.
    enum ProposalKind {
        Admit,
        Remove,
        SetRoles
    }

    /// @notice Where a proposal stands. `Expired` is never stored: a pending proposal reads as expired once its
    /// deadline passed.
    enum ProposalStatus {
        Pending,
        Executed,
        Canceled,
        Expired
    }

    /// @notice A member as the registry records it. A removed member keeps its record with `active == false` and no
    /// roles.
    struct Member {
        string name;
        bool active;
        uint64 admittedAt;
        bytes32[] roles;
    }

    /// @notice A governance proposal. `approvals` counts only approvers who are governors now.
    struct Proposal {
        ProposalKind kind;
        ProposalStatus status;
        address proposer;
        address member;
        uint64 deadline;
        uint256 approvals;
        string name;
        bytes32[] roles;
    }

    /// @notice Emitted when a member is admitted (by the constructor for founders, or by an executed Admit proposal).
    event MemberAdmitted(address indexed member, string name, bytes32[] roles);
    /// @notice Emitted when an executed Remove proposal removes a member.
    event MemberRemoved(address indexed member);
    /// @notice Emitted when an executed SetRoles proposal replaces a member's role set.
    event RolesChanged(address indexed member, bytes32[] roles);
    /// @notice Emitted when a member binds an operational account that consented to act for it.
    event AccountBound(address indexed member, address indexed account, bytes32[] roles);
    /// @notice Emitted when a bound account is released, by the member or by the account itself (`by`).
    event AccountUnbound(address indexed member, address indexed account, address by);
    /// @notice Emitted when a governor opens a proposal.
    event ProposalCreated(
        uint256 indexed id,
        ProposalKind kind,
        address indexed proposer,
        address indexed member,
        uint64 deadline
    );
    /// @notice Emitted for each approval, the proposer's implicit one included; `approvals` counts current governors.
    event ProposalApproved(uint256 indexed id, address indexed governor, uint256 approvals);
    /// @notice Emitted when a governor withdraws its approval.
    event ApprovalWithdrawn(uint256 indexed id, address indexed governor, uint256 approvals);
    /// @notice Emitted when a proposal reached a strict majority and its change was applied.
    event ProposalExecuted(uint256 indexed id);
    /// @notice Emitted when the proposer cancels its pending proposal.
    event ProposalCanceled(uint256 indexed id);

    /// @notice Thrown when the constructor gets no founders.
    error NoFounders();
    /// @notice Thrown when the constructor's founders, names and roles arrays differ in length.
    error FounderListMismatch(uint256 founders, uint256 names, uint256 roles);
    /// @notice Thrown when a member address is the zero address.
    error ZeroMemberAddress();
    /// @notice Thrown when admitting an address that is already an active member.
    error MemberAlreadyExists(address member);
    /// @notice Thrown when a proposal or query names an address that is not an active member.
    error NotAMember(address member);
    /// @notice Thrown when a member name is empty.
    error EmptyMemberName(address member);
    /// @notice Thrown when a role list names the same role twice.
    error DuplicateRole(address member, bytes32 role);
    /// @notice Thrown when `account` must be an active governor (a governing member's own address) and is not.
    error NotGovernor(address account);
    /// @notice Thrown when a change would leave the consortium without a governor.
    error LastGovernor(address member);
    /// @notice Thrown when a voting period is outside [min, max] seconds.
    error VotingPeriodOutOfRange(uint64 votingPeriod, uint64 min, uint64 max);
    /// @notice Thrown when a proposal carries data its kind does not use (a name on Remove/SetRoles, roles on Remove).
    error ProposalDataNotAllowed(ProposalKind kind);
    /// @notice Thrown when no proposal has this id.
    error UnknownProposal(uint256 id);
    /// @notice Thrown when a proposal is no longer pending (executed, canceled or expired).
    error ProposalNotPending(uint256 id, ProposalStatus status);
    /// @notice Thrown when a governor approves a proposal twice.
    error AlreadyApproved(uint256 id, address governor);
    /// @notice Thrown when a governor withdraws an approval it never gave.
    error NotApproved(uint256 id, address governor);
    /// @notice Thrown when someone other than the proposer cancels a proposal.
    error NotProposer(uint256 id, address caller);
    /// @notice Thrown when `execute` is called before a strict majority of current governors approved.
    error MajorityNotReached(uint256 id, uint256 approvals, uint256 governors);
    /// @notice Thrown when an account to bind is the zero address or a member address itself.
    error InvalidAccount(address account);
    /// @notice Thrown when an account is already bound (to `member`).
    error AccountAlreadyBound(address account, address member);
    /// @notice Thrown when the account's EIP-712 consent signature does not recover to `account`.
    error InvalidAccountSignature(address account);
    /// @notice Thrown when unbinding an account that is not bound.
    error AccountNotBound(address account);
    /// @notice Thrown when `caller` is neither the account nor the member it is bound to.
    error UnbindNotAllowed(address account, address caller);
    /// @notice Thrown when `member` already has `max` bound accounts; unbind one first.
    error TooManyBoundAccounts(address member, uint256 max);
    /// @notice A binding names more roles than MAX_BINDING_ROLES.
    error TooManyBindingRoles(uint256 count, uint256 max);
    /// @notice A binding may not carry this role (GOVERNOR: governance acts only from the member's own address).
    error BindingRoleNotAllowed(bytes32 role);
    /// @notice A binding names the same role twice.
    error DuplicateBindingRole(bytes32 role);

    /// @notice Opens a proposal; the proposer's call counts as its approval, so with a single governor the proposal
    /// executes at once.
    /// @dev Requirements:
    /// - the caller is an active governor (its member address, not a bound account);
    /// - `votingPeriod` is within [1 hour, 30 days]; the deadline is `block.timestamp + votingPeriod`;
    /// - Admit: `memberAddress` is non-zero, not an active member, not a bound account; `name` non-empty; no duplicate roles;
    /// - Remove: `memberAddress` is an active member, `name` and `roles` empty, and not the last governor;
    /// - SetRoles: `memberAddress` is an active member, `name` empty, no duplicate roles, the last governor keeps GOVERNOR.
    /// Emits ProposalCreated, ProposalApproved, and ProposalExecuted (+ the change's event) when already a majority.
    /// @return id The proposal id (the first is 1).
    function propose(
        ProposalKind kind,
        address memberAddress,
        string calldata name,
        bytes32[] calldata roles,
        uint64 votingPeriod
    ) external returns (uint256 id);

    /// @notice Approves a pending proposal and executes it in the same transaction once the approvals of current
    /// governors are a strict majority (> half) of the current governor count.
    /// @dev Requirements: the caller is an active governor; the proposal is pending and `block.timestamp < deadline`;
    /// the caller has not approved it yet; the change is still valid (re-checked at execution).
    /// Emits ProposalApproved, then ProposalExecuted and the change's event when the majority is reached.
    function approve(uint256 id) external;

    /// @notice Executes a pending proposal that already has a strict majority, e.g. after the governor set shrank.
    /// @dev Requirements: the caller is an active governor; the proposal is pending, before its deadline, and has a
    /// strict majority of current governors. Emits ProposalExecuted and the change's event.
    function execute(uint256 id) external;

    /// @notice Withdraws the caller's approval of a pending proposal.
    /// @dev Requirements: the proposal is pending and before its deadline; the caller approved it.
    /// Emits ApprovalWithdrawn.
    function withdrawApproval(uint256 id) external;

    /// @notice Cancels a pending proposal.
    /// @dev Requirements: the caller is the proposer; the proposal is pending (expired ones need no cancel).
    /// Emits ProposalCanceled.
    function cancel(uint256 id) external;

    /// @notice Binds `account` to the calling member within a scope: `memberOf(account)` names the member, and
    /// `hasRole(account, role)` holds only for roles both in `roles` and held by the member. An account bound with no
    /// roles identifies the member (e.g. as a DID controller) but exercises none of its rights.
    /// @param roles The binding's scope: at most MAX_BINDING_ROLES (8) distinct roles, never GOVERNOR.
    /// @param signature The account's EIP-712 signature of
    /// `BindAccount(address member,address account,bytes32[] roles,uint256 nonce)` under the domain
    /// ("ConsortiumRegistry", "1"), with `nonce == bindingNonce(account)`; the nonce makes an old consent unusable
    /// after an unbind, and the account consents to exactly this scope.
    /// @dev Requirements: the caller is an active member with fewer than MAX_BOUND_ACCOUNTS (64) bound accounts;
    /// `account` is non-zero, not a member address, not bound. Emits AccountBound. Removing the member unbinds every
    /// account bound to it (AccountUnbound each, `by` the executing governor), so re-admission restores none.
    function bindAccount(address account, bytes32[] calldata roles, bytes calldata signature) external;

    /// @notice Releases a bound account. Callable by the member it is bound to or by the account itself.
    /// @dev Requirements: `account` is bound; the caller is its member or the account. Emits AccountUnbound.
    function unbindAccount(address account) external;

    /// @notice The accounts currently bound to `member` (in no particular order).
    function boundAccounts(address member) external view returns (address[] memory);

    /// @notice The scope of `account`'s binding: the member roles it may exercise (empty when unbound).
    function bindingRoles(address account) external view returns (bytes32[] memory);

    /// @notice The active member `account` acts for: a member's own address maps to itself, a bound account to its
    /// member; address(0) when unbound or when the member is no longer active.
    function memberOf(address account) external view returns (address member);

    /// @notice Whether `account` acts for an active member holding `role`: the member's own address, or an account
    /// bound to it whose binding scope names `role`.
    function hasRole(address account, bytes32 role) external view returns (bool);

    /// @notice Whether `account` is an active member's own address.
    function isMember(address account) external view returns (bool);

    /// @notice Whether `account` is an active governor's own address.
    function isGovernor(address account) external view returns (bool);

    /// @notice The roles of `memberAddress` (empty for a removed member or a non-member).
    function rolesOf(address memberAddress) external view returns (bytes32[] memory);

    /// @notice The addresses of all active members.
    function members() external view returns (address[] memory);

    /// @notice The record of `memberAddress` (zero values for an address never admitted).
    function member(address memberAddress) external view returns (Member memory);

    /// @notice Number of active governors.
    function governorCount() external view returns (uint256);

    /// @notice A proposal with its current status and approvals of current governors.
    /// @dev Requirements: the proposal exists.
    function proposal(uint256 id) external view returns (Proposal memory);

    /// @notice Whether `governor` has an approval recorded on proposal `id` (counted only while it is a governor).
    function hasApproved(uint256 id, address governor) external view returns (bool);

    /// @notice Number of proposals ever created (the highest id).
    function proposalCount() external view returns (uint256);

    /// @notice The nonce the next consent of `account` to be bound must sign.
    function bindingNonce(address account) external view returns (uint256);

    /// @notice The contract's version, "1.0.0".
    function version() external view returns (string memory);
}
