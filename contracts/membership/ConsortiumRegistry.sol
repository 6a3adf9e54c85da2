// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// The consortium's membership and governance: founders are named at deployment, every later change is a proposal that
// a strict majority of the governors in office approves. No account holds an admin key.
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {IConsortiumRegistry} from "./IConsortiumRegistry.sol";
import {Roles} from "./Roles.sol";

contract ConsortiumRegistry is IConsortiumRegistry, EIP712 {
    using EnumerableSet for EnumerableSet.AddressSet;
    using EnumerableSet for EnumerableSet.Bytes32Set;

    /// @notice Shortest voting period a proposal may ask for, in seconds.
    uint64 public constant MIN_VOTING_PERIOD = 1 hours;
    /// @notice Longest voting period a proposal may ask for, in seconds.
    uint64 public constant MAX_VOTING_PERIOD = 30 days;
    /// @notice Most accounts one member may have bound at once; bounds the unbinding loop of a removal.
    uint256 public constant MAX_BOUND_ACCOUNTS = 64;
    /// @notice Most roles one binding may carry; bounds the scope check in `hasRole`.
    uint256 public constant MAX_BINDING_ROLES = 8;
    /// @notice EIP-712 type an account signs to consent to act for a member within `roles`.
    bytes32 public constant BIND_ACCOUNT_TYPEHASH = keccak256(
        "BindAccount(address member,address account,bytes32[] roles,uint256 nonce)"
    );

    struct MemberRecord {
        string name;
        bool active;
        uint64 admittedAt;
        EnumerableSet.Bytes32Set roles;
    }

    // Only Pending, Executed and Canceled are stored; Expired is derived from the deadline.
    struct ProposalRecord {
        ProposalKind kind;
        ProposalStatus status;
        address proposer;
        uint64 deadline;
        address member;
        string name;
        bytes32[] roles;
        address[] approvers;
        // Position in `approvers` plus one; 0 means "has not approved".
        mapping(address governor => uint256) approverSlot;
    }

    mapping(address member => MemberRecord) private _members;
    EnumerableSet.AddressSet private _activeMembers;
    uint256 private _governorCount;
    mapping(address account => address member) private _boundTo;
    mapping(address account => uint256) private _bindingNonces;
    // The accounts bound to each member, so that removing the member unbinds them all.
    mapping(address member => EnumerableSet.AddressSet) private _boundAccounts;
    // The member roles each bound account may exercise: its scope. Outside it the account only identifies the member.
    mapping(address account => bytes32[]) private _bindingRoles;
    mapping(uint256 id => ProposalRecord) private _proposals;
    uint256 private _proposalCount;

    /// @param founders The founding members' governance accounts; each becomes a governor.
    /// @param names The founders' names, same order.
    /// @param roles The founders' roles, same order; GOVERNOR is added where absent.
    constructor(
        address[] memory founders,
        string[] memory names,
        bytes32[][] memory roles
    ) EIP712("ConsortiumRegistry", "1") {
        if (founders.length == 0) revert NoFounders();
        if (founders.length != names.length || founders.length != roles.length) {
            revert FounderListMismatch(founders.length, names.length, roles.length);
        }
        for (uint256 i = 0; i < founders.length; i++) {
            address founder = founders[i];
            if (founder == address(0)) revert ZeroMemberAddress();
            if (_members[founder].active) revert MemberAlreadyExists(founder);
            if (bytes(names[i]).length == 0) revert EmptyMemberName(founder);
            _requireDistinct(founder, roles[i]);
            _admit(founder, names[i], roles[i]);
            if (!_members[founder].roles.contains(Roles.GOVERNOR)) {
                _members[founder].roles.add(Roles.GOVERNOR);
                _governorCount++;
            }
            emit MemberAdmitted(founder, names[i], _members[founder].roles.values());
        }
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc IConsortiumRegistry
    function propose(
        ProposalKind kind,
        address memberAddress,
        string calldata name,
        bytes32[] calldata roles,
        uint64 votingPeriod
    ) external returns (uint256 id) {
        _requireGovernor(msg.sender);
        if (votingPeriod < MIN_VOTING_PERIOD || votingPeriod > MAX_VOTING_PERIOD) {
            revert VotingPeriodOutOfRange(votingPeriod, MIN_VOTING_PERIOD, MAX_VOTING_PERIOD);
        }
        if (kind != ProposalKind.Admit && bytes(name).length != 0) revert ProposalDataNotAllowed(kind);
        if (kind == ProposalKind.Remove && roles.length != 0) revert ProposalDataNotAllowed(kind);
        _requireApplicable(kind, memberAddress, name, roles);

        id = ++_proposalCount;
        ProposalRecord storage p = _proposals[id];
        p.kind = kind;
        p.proposer = msg.sender;
        p.member = memberAddress;
        p.deadline = uint64(block.timestamp) + votingPeriod;
        if (kind == ProposalKind.Admit) p.name = name;
        if (kind != ProposalKind.Remove) p.roles = roles;
        emit ProposalCreated(id, kind, msg.sender, memberAddress, p.deadline);
        _recordApproval(id, p);
    }

    /// @inheritdoc IConsortiumRegistry
    function approve(uint256 id) external {
        _requireGovernor(msg.sender);
        ProposalRecord storage p = _pending(id);
        if (p.approverSlot[msg.sender] != 0) revert AlreadyApproved(id, msg.sender);
        _recordApproval(id, p);
    }

    /// @inheritdoc IConsortiumRegistry
    function execute(uint256 id) external {
        _requireGovernor(msg.sender);
        ProposalRecord storage p = _pending(id);
        uint256 approvals = _currentApprovals(p);
        if (approvals * 2 <= _governorCount) revert MajorityNotReached(id, approvals, _governorCount);
        _execute(id, p);
    }

    /// @inheritdoc IConsortiumRegistry
    function withdrawApproval(uint256 id) external {
        ProposalRecord storage p = _pending(id);
        uint256 slot = p.approverSlot[msg.sender];
        if (slot == 0) revert NotApproved(id, msg.sender);
        address last = p.approvers[p.approvers.length - 1];
        p.approvers[slot - 1] = last;
        p.approverSlot[last] = slot;
        p.approvers.pop();
        delete p.approverSlot[msg.sender];
        emit ApprovalWithdrawn(id, msg.sender, _currentApprovals(p));
    }

    /// @inheritdoc IConsortiumRegistry
    function cancel(uint256 id) external {
        ProposalRecord storage p = _pending(id);
        if (p.proposer != msg.sender) revert NotProposer(id, msg.sender);
        p.status = ProposalStatus.Canceled;
        emit ProposalCanceled(id);
    }

    // ---------------------------------------------------------------- bound accounts

    /// @inheritdoc IConsortiumRegistry
    function bindAccount(address account, bytes32[] calldata roles, bytes calldata signature) external {
        if (!_members[msg.sender].active) revert NotAMember(msg.sender);
        if (account == address(0) || _members[account].active) revert InvalidAccount(account);
        address current = _boundTo[account];
        if (current != address(0)) revert AccountAlreadyBound(account, current);
        _requireBindingRoles(roles);
        uint256 nonce = _bindingNonces[account];
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(BIND_ACCOUNT_TYPEHASH, msg.sender, account, keccak256(abi.encodePacked(roles)), nonce))
        );
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecover(digest, signature);
        if (err != ECDSA.RecoverError.NoError || signer != account) revert InvalidAccountSignature(account);
        EnumerableSet.AddressSet storage bound = _boundAccounts[msg.sender];
        if (bound.length() >= MAX_BOUND_ACCOUNTS) revert TooManyBoundAccounts(msg.sender, MAX_BOUND_ACCOUNTS);
        _bindingNonces[account] = nonce + 1;
        bound.add(account);
        _boundTo[account] = msg.sender;
        _bindingRoles[account] = roles;
        emit AccountBound(msg.sender, account, roles);
    }

    /// @inheritdoc IConsortiumRegistry
    function unbindAccount(address account) external {
        address holder = _boundTo[account];
        if (holder == address(0)) revert AccountNotBound(account);
        if (msg.sender != holder && msg.sender != account) revert UnbindNotAllowed(account, msg.sender);
        _unbind(holder, account);
    }

    /// @inheritdoc IConsortiumRegistry
    function boundAccounts(address member) external view returns (address[] memory) {
        return _boundAccounts[member].values();
    }

    /// @inheritdoc IConsortiumRegistry
    function bindingRoles(address account) external view returns (bytes32[] memory) {
        return _bindingRoles[account];
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IConsortiumRegistry
    function memberOf(address account) public view returns (address) {
        if (_members[account].active) return account;
        address holder = _boundTo[account];
        if (holder != address(0) && _members[holder].active) return holder;
        return address(0);
    }

    /// @inheritdoc IConsortiumRegistry
    function hasRole(address account, bytes32 role) external view returns (bool) {
        address holder = memberOf(account);
        if (holder == address(0) || !_members[holder].roles.contains(role)) return false;
        return holder == account || _inScope(_bindingRoles[account], role);
    }

    /// @inheritdoc IConsortiumRegistry
    function isMember(address account) external view returns (bool) {
        return _members[account].active;
    }

    /// @inheritdoc IConsortiumRegistry
    function isGovernor(address account) public view returns (bool) {
        return _members[account].active && _members[account].roles.contains(Roles.GOVERNOR);
    }

    /// @inheritdoc IConsortiumRegistry
    function rolesOf(address memberAddress) external view returns (bytes32[] memory) {
        return _members[memberAddress].roles.values();
    }

    /// @inheritdoc IConsortiumRegistry
    function members() external view returns (address[] memory) {
        return _activeMembers.values();
    }

    /// @inheritdoc IConsortiumRegistry
    function member(address memberAddress) external view returns (Member memory) {
        MemberRecord storage m = _members[memberAddress];
        return Member({name: m.name, active: m.active, admittedAt: m.admittedAt, roles: m.roles.values()});
    }

    /// @inheritdoc IConsortiumRegistry
    function governorCount() external view returns (uint256) {
        return _governorCount;
    }

    /// @inheritdoc IConsortiumRegistry
    function proposal(uint256 id) external view returns (Proposal memory) {
        if (id == 0 || id > _proposalCount) revert UnknownProposal(id);
        ProposalRecord storage p = _proposals[id];
        return
            Proposal({
                kind: p.kind,
                status: _statusOf(p),
                proposer: p.proposer,
                member: p.member,
                deadline: p.deadline,
                approvals: _currentApprovals(p),
                name: p.name,
                roles: p.roles
            });
    }

    /// @inheritdoc IConsortiumRegistry
    function hasApproved(uint256 id, address governor) external view returns (bool) {
        return _proposals[id].approverSlot[governor] != 0;
    }

    /// @inheritdoc IConsortiumRegistry
    function proposalCount() external view returns (uint256) {
        return _proposalCount;
    }

    /// @inheritdoc IConsortiumRegistry
    function bindingNonce(address account) external view returns (uint256) {
        return _bindingNonces[account];
    }

    /// @inheritdoc IConsortiumRegistry
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    // ---------------------------------------------------------------- internals

    function _requireGovernor(address account) private view {
        if (!isGovernor(account)) revert NotGovernor(account);
    }

    function _statusOf(ProposalRecord storage p) private view returns (ProposalStatus) {
        if (p.status == ProposalStatus.Pending && block.timestamp >= p.deadline) return ProposalStatus.Expired;
        return p.status;
    }

    function _pending(uint256 id) private view returns (ProposalRecord storage p) {
        if (id == 0 || id > _proposalCount) revert UnknownProposal(id);
        p = _proposals[id];
        ProposalStatus status = _statusOf(p);
        if (status != ProposalStatus.Pending) revert ProposalNotPending(id, status);
    }

    // Approvals are counted afresh each time so that a governor removed (or demoted) after approving no longer counts.
    function _currentApprovals(ProposalRecord storage p) private view returns (uint256 count) {
        address[] storage approvers = p.approvers;
        for (uint256 i = 0; i < approvers.length; i++) {
            if (isGovernor(approvers[i])) count++;
        }
    }

    function _recordApproval(uint256 id, ProposalRecord storage p) private {
        p.approvers.push(msg.sender);
        p.approverSlot[msg.sender] = p.approvers.length;
        uint256 approvals = _currentApprovals(p);
        emit ProposalApproved(id, msg.sender, approvals);
        if (approvals * 2 > _governorCount) _execute(id, p);
    }

    function _execute(uint256 id, ProposalRecord storage p) private {
        // The member set may have changed since the proposal was made: re-check before applying.
        _requireApplicable(p.kind, p.member, p.name, p.roles);
        p.status = ProposalStatus.Executed;
        emit ProposalExecuted(id);
        address target = p.member;
        if (p.kind == ProposalKind.Admit) {
            _admit(target, p.name, p.roles);
            emit MemberAdmitted(target, p.name, p.roles);
        } else if (p.kind == ProposalKind.Remove) {
            _setRoles(target, new bytes32[](0));
            // Re-admission must not silently restore old bindings (e.g. retired DID controller keys).
            EnumerableSet.AddressSet storage bound = _boundAccounts[target];
            for (uint256 i = bound.length(); i > 0; --i) _unbind(target, bound.at(i - 1));
            _members[target].active = false;
            _activeMembers.remove(target);
            emit MemberRemoved(target);
        } else {
            _setRoles(target, p.roles);
            emit RolesChanged(target, p.roles);
        }
    }

    function _unbind(address holder, address account) private {
        delete _boundTo[account];
        delete _bindingRoles[account];
        _boundAccounts[holder].remove(account);
        emit AccountUnbound(holder, account, msg.sender);
    }

    // A binding's scope: at most MAX_BINDING_ROLES distinct roles, never GOVERNOR (governance is the member's own).
    function _requireBindingRoles(bytes32[] calldata roles) private pure {
        if (roles.length > MAX_BINDING_ROLES) revert TooManyBindingRoles(roles.length, MAX_BINDING_ROLES);
        for (uint256 i = 0; i < roles.length; i++) {
            if (roles[i] == Roles.GOVERNOR) revert BindingRoleNotAllowed(roles[i]);
            for (uint256 j = 0; j < i; j++) {
                if (roles[j] == roles[i]) revert DuplicateBindingRole(roles[i]);
            }
        }
    }

    function _inScope(bytes32[] storage scope, bytes32 role) private view returns (bool) {
        for (uint256 i = 0; i < scope.length; i++) {
            if (scope[i] == role) return true;
        }
        return false;
    }

    function _requireApplicable(
        ProposalKind kind,
        address target,
        string memory name,
        bytes32[] memory roles
    ) private view {
        if (kind == ProposalKind.Admit) {
            if (target == address(0)) revert ZeroMemberAddress();
            if (_members[target].active) revert MemberAlreadyExists(target);
            address boundTo = _boundTo[target];
            if (boundTo != address(0)) revert AccountAlreadyBound(target, boundTo);
            if (bytes(name).length == 0) revert EmptyMemberName(target);
            _requireDistinct(target, roles);
            return;
        }
        if (!_members[target].active) revert NotAMember(target);
        bool keepsGovernor = false;
        if (kind == ProposalKind.SetRoles) {
            _requireDistinct(target, roles);
            for (uint256 i = 0; i < roles.length; i++) {
                if (roles[i] == Roles.GOVERNOR) keepsGovernor = true;
            }
        }
        if (!keepsGovernor && _governorCount == 1 && isGovernor(target)) revert LastGovernor(target);
    }

    function _requireDistinct(address target, bytes32[] memory roles) private pure {
        for (uint256 i = 1; i < roles.length; i++) {
            for (uint256 j = 0; j < i; j++) {
                if (roles[i] == roles[j]) revert DuplicateRole(target, roles[i]);
            }
        }
    }

    function _admit(address target, string memory name, bytes32[] memory roles) private {
        MemberRecord storage m = _members[target];
        m.name = name;
        m.active = true;
        m.admittedAt = uint64(block.timestamp);
        _activeMembers.add(target);
        _setRoles(target, roles);
    }

    // Replaces the role set of an active member and keeps the governor count in step.
    function _setRoles(address target, bytes32[] memory roles) private {
        bool wasGovernor = isGovernor(target);
        EnumerableSet.Bytes32Set storage set = _members[target].roles;
        set.clear();
        for (uint256 i = 0; i < roles.length; i++) {
            set.add(roles[i]);
        }
        bool nowGovernor = isGovernor(target);
        if (wasGovernor && !nowGovernor) _governorCount--;
        if (!wasGovernor && nowGovernor) _governorCount++;
    }
}
