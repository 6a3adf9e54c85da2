// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Home networks of the consortium's mobile operators: network codes change hands only by governance, and each code
// routes to exactly one operator.
import {IEthereumDIDRegistry} from "../identity/IEthereumDIDRegistry.sol";
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {GovernorApprovals} from "./GovernorApprovals.sol";
import {IOperatorRegistry} from "./IOperatorRegistry.sol";
import {Plmn, PlmnCodes} from "./Plmn.sol";

contract OperatorRegistry is IOperatorRegistry {
    using GovernorApprovals for GovernorApprovals.Set;
    using PlmnCodes for Plmn;

    /// @notice Shortest voting period a proposal may ask for, in seconds.
    uint64 public constant MIN_VOTING_PERIOD = 1 hours;
    /// @notice Longest voting period a proposal may ask for, in seconds.
    uint64 public constant MAX_VOTING_PERIOD = 30 days;
    /// @notice Most MSIN ranges one network may declare.
    uint256 public constant MAX_MSIN_RANGES = 64;

    struct NetworkRecord {
        address operator;
        uint64 since;
        // Position in the operator's `_networksOf` list plus one.
        uint32 listSlot;
        MsinRange[] msinRanges;
    }

    // Only Pending, Executed and Canceled are stored; Expired is derived from the deadline.
    struct ClaimRecord {
        ClaimKind kind;
        ClaimStatus status;
        Plmn plmn;
        uint64 deadline;
        address operator;
        address proposer;
        // Release/Transfer: the operator the proposal was made against; execution requires it still holds the code.
        address holder;
        MsinRange[] msinRanges;
        GovernorApprovals.Set approvals;
    }

    IConsortiumRegistry private immutable CONSORTIUM;
    IEthereumDIDRegistry private immutable DID_REGISTRY;

    mapping(bytes6 plmn => NetworkRecord) private _networks;
    mapping(address operator => Plmn[]) private _networksOf;
    mapping(address operator => address identity) private _identities;
    mapping(uint256 id => ClaimRecord) private _claims;
    uint256 private _claimCount;

    constructor(IConsortiumRegistry consortium_, IEthereumDIDRegistry didRegistry_) {
        if (address(consortium_) == address(0) || address(didRegistry_) == address(0)) revert ZeroAddress();
        CONSORTIUM = consortium_;
        DID_REGISTRY = didRegistry_;
    }

    // ---------------------------------------------------------------- proposals

    /// @inheritdoc IOperatorRegistry
    function claimNetwork(
        Plmn plmn,
        MsinRange[] calldata msinRanges,
        uint64 votingPeriod
    ) external returns (uint256 id) {
        address claimant = _requireOperator(msg.sender);
        _requireClaimable(plmn);
        _requireValidRanges(plmn, msinRanges);
        ClaimRecord storage c;
        (id, c) = _open(ClaimKind.Claim, plmn, claimant, address(0), votingPeriod);
        for (uint256 i = 0; i < msinRanges.length; i++) {
            c.msinRanges.push(msinRanges[i]);
        }
        emit ClaimOpened(id, ClaimKind.Claim, plmn, claimant, claimant, c.deadline, msinRanges);
    }

    /// @inheritdoc IOperatorRegistry
    function proposeRelease(Plmn plmn, uint64 votingPeriod) external returns (uint256 id) {
        address holder = _requireHolderOrGovernor(plmn);
        ClaimRecord storage c;
        (id, c) = _open(ClaimKind.Release, plmn, holder, holder, votingPeriod);
        emit ClaimOpened(id, ClaimKind.Release, plmn, holder, c.proposer, c.deadline, new MsinRange[](0));
    }

    /// @inheritdoc IOperatorRegistry
    function proposeTransfer(Plmn plmn, address to, uint64 votingPeriod) external returns (uint256 id) {
        address holder = _requireHolderOrGovernor(plmn);
        _requireRecipient(plmn, to, holder);
        ClaimRecord storage c;
        (id, c) = _open(ClaimKind.Transfer, plmn, to, holder, votingPeriod);
        emit ClaimOpened(id, ClaimKind.Transfer, plmn, to, c.proposer, c.deadline, new MsinRange[](0));
    }

    /// @inheritdoc IOperatorRegistry
    function approveClaim(uint256 id) external {
        _requireGovernor(msg.sender);
        ClaimRecord storage c = _pending(id);
        if (c.kind != ClaimKind.Release && c.operator == msg.sender) revert InterestedApprover(id, msg.sender);
        if (!c.approvals.add(msg.sender)) revert AlreadyApproved(id, msg.sender);
        uint256 approvals = c.approvals.current(CONSORTIUM);
        emit ClaimApproved(id, msg.sender, approvals);
        if (GovernorApprovals.isMajority(approvals, CONSORTIUM.governorCount())) _execute(id, c);
    }

    /// @inheritdoc IOperatorRegistry
    function executeClaim(uint256 id) external {
        _requireGovernor(msg.sender);
        ClaimRecord storage c = _pending(id);
        uint256 approvals = c.approvals.current(CONSORTIUM);
        uint256 governors = CONSORTIUM.governorCount();
        if (!GovernorApprovals.isMajority(approvals, governors)) revert MajorityNotReached(id, approvals, governors);
        _execute(id, c);
    }

    /// @inheritdoc IOperatorRegistry
    function withdrawClaimApproval(uint256 id) external {
        ClaimRecord storage c = _pending(id);
        if (!c.approvals.remove(msg.sender)) revert NotApproved(id, msg.sender);
        emit ClaimApprovalWithdrawn(id, msg.sender, c.approvals.current(CONSORTIUM));
    }

    /// @inheritdoc IOperatorRegistry
    function cancelClaim(uint256 id) external {
        ClaimRecord storage c = _pending(id);
        if (!_actsFor(c.proposer)) revert NotProposer(id, msg.sender);
        c.status = ClaimStatus.Canceled;
        emit ClaimCanceled(id);
    }

    // ---------------------------------------------------------------- operator's own records

    /// @inheritdoc IOperatorRegistry
    function setMsinRanges(Plmn plmn, MsinRange[] calldata msinRanges) external {
        NetworkRecord storage n = _networks[Plmn.unwrap(plmn)];
        if (n.operator == address(0) || !_actsFor(n.operator)) revert NotNetworkOperator(plmn, msg.sender, n.operator);
        _requireValidRanges(plmn, msinRanges);
        delete n.msinRanges;
        for (uint256 i = 0; i < msinRanges.length; i++) {
            n.msinRanges.push(msinRanges[i]);
        }
        emit MsinRangesSet(plmn, msinRanges);
    }

    /// @inheritdoc IOperatorRegistry
    function setOperatorIdentity(address identity) external {
        address operator = _requireOperator(msg.sender);
        if (identity != address(0)) {
            address owner = DID_REGISTRY.identityOwner(identity);
            if (CONSORTIUM.memberOf(owner) != operator) revert IdentityNotControlled(identity, owner, operator);
        }
        _identities[operator] = identity;
        emit OperatorIdentitySet(operator, identity);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IOperatorRegistry
    function operatorOf(Plmn plmn) external view returns (address) {
        return _networks[Plmn.unwrap(plmn)].operator;
    }

    /// @inheritdoc IOperatorRegistry
    function resolve(bytes6 imsiHead) external view returns (Plmn plmn, address operator) {
        Plmn full = Plmn.wrap(imsiHead);
        if (!full.isValid() || full.mncLength() != 3) revert InvalidPlmn(full);
        operator = _networks[imsiHead].operator;
        if (operator != address(0)) return (full, operator);
        Plmn short = full.shortForm();
        operator = _networks[Plmn.unwrap(short)].operator;
        if (operator != address(0)) return (short, operator);
        return (Plmn.wrap(0), address(0));
    }

    /// @inheritdoc IOperatorRegistry
    function network(Plmn plmn) external view returns (Network memory) {
        NetworkRecord storage n = _networks[Plmn.unwrap(plmn)];
        return Network({operator: n.operator, since: n.since, msinRanges: n.msinRanges});
    }

    /// @inheritdoc IOperatorRegistry
    function networksOf(address operator) external view returns (Plmn[] memory) {
        return _networksOf[operator];
    }

    /// @inheritdoc IOperatorRegistry
    function networkCount(address operator) external view returns (uint256) {
        return _networksOf[operator].length;
    }

    /// @inheritdoc IOperatorRegistry
    function operatorIdentity(address operator) external view returns (address) {
        return _identities[operator];
    }

    /// @inheritdoc IOperatorRegistry
    function claim(uint256 id) external view returns (Claim memory) {
        if (id == 0 || id > _claimCount) revert UnknownClaim(id);
        ClaimRecord storage c = _claims[id];
        return
            Claim({
                kind: c.kind,
                status: _statusOf(c),
                plmn: c.plmn,
                operator: c.operator,
                proposer: c.proposer,
                deadline: c.deadline,
                approvals: c.approvals.current(CONSORTIUM),
                msinRanges: c.msinRanges
            });
    }

    /// @inheritdoc IOperatorRegistry
    function hasApprovedClaim(uint256 id, address governor) external view returns (bool) {
        return _claims[id].approvals.contains(governor);
    }

    /// @inheritdoc IOperatorRegistry
    function claimCount() external view returns (uint256) {
        return _claimCount;
    }

    /// @inheritdoc IOperatorRegistry
    function consortium() external view returns (address) {
        return address(CONSORTIUM);
    }

    /// @inheritdoc IOperatorRegistry
    function didRegistry() external view returns (address) {
        return address(DID_REGISTRY);
    }

    /// @inheritdoc IOperatorRegistry
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    // ---------------------------------------------------------------- internals

    function _open(
        ClaimKind kind,
        Plmn plmn,
        address operator,
        address holder,
        uint64 votingPeriod
    ) private returns (uint256 id, ClaimRecord storage c) {
        if (votingPeriod < MIN_VOTING_PERIOD || votingPeriod > MAX_VOTING_PERIOD) {
            revert VotingPeriodOutOfRange(votingPeriod, MIN_VOTING_PERIOD, MAX_VOTING_PERIOD);
        }
        id = ++_claimCount;
        c = _claims[id];
        c.kind = kind;
        c.plmn = plmn;
        c.deadline = uint64(block.timestamp) + votingPeriod;
        c.operator = operator;
        c.proposer = CONSORTIUM.memberOf(msg.sender);
        c.holder = holder;
    }

    function _execute(uint256 id, ClaimRecord storage c) private {
        Plmn plmn = c.plmn;
        // The registry may have changed since the proposal was opened: re-check before applying.
        if (c.kind == ClaimKind.Claim) {
            _requireClaimable(plmn);
            if (!CONSORTIUM.hasRole(c.operator, Roles.MOBILE_OPERATOR)) revert NotAnOperator(c.operator);
        } else {
            address current = _networks[Plmn.unwrap(plmn)].operator;
            if (current != c.holder) revert NetworkChangedSinceProposal(id, plmn, c.holder, current);
            if (c.kind == ClaimKind.Transfer) _requireRecipient(plmn, c.operator, current);
        }
        c.status = ClaimStatus.Executed;
        emit ClaimExecuted(id);
        if (c.kind == ClaimKind.Claim) {
            _assign(plmn, c.operator);
            NetworkRecord storage n = _networks[Plmn.unwrap(plmn)];
            MsinRange[] storage ranges = c.msinRanges;
            for (uint256 i = 0; i < ranges.length; i++) {
                n.msinRanges.push(ranges[i]);
            }
            emit NetworkOperatorChanged(plmn, address(0), c.operator);
            emit MsinRangesSet(plmn, ranges);
        } else if (c.kind == ClaimKind.Release) {
            _unassign(plmn, c.holder);
            emit NetworkOperatorChanged(plmn, c.holder, address(0));
            emit MsinRangesSet(plmn, new MsinRange[](0));
        } else {
            _unassign(plmn, c.holder);
            _assign(plmn, c.operator);
            emit NetworkOperatorChanged(plmn, c.holder, c.operator);
            emit MsinRangesSet(plmn, new MsinRange[](0));
        }
    }

    function _assign(Plmn plmn, address operator) private {
        Plmn[] storage list = _networksOf[operator];
        list.push(plmn);
        NetworkRecord storage n = _networks[Plmn.unwrap(plmn)];
        n.operator = operator;
        n.since = uint64(block.timestamp);
        n.listSlot = uint32(list.length);
    }

    function _unassign(Plmn plmn, address operator) private {
        NetworkRecord storage n = _networks[Plmn.unwrap(plmn)];
        Plmn[] storage list = _networksOf[operator];
        uint256 slot = n.listSlot;
        Plmn last = list[list.length - 1];
        list[slot - 1] = last;
        _networks[Plmn.unwrap(last)].listSlot = uint32(slot);
        list.pop();
        delete _networks[Plmn.unwrap(plmn)];
    }

    function _statusOf(ClaimRecord storage c) private view returns (ClaimStatus) {
        if (c.status == ClaimStatus.Pending && block.timestamp >= c.deadline) return ClaimStatus.Expired;
        return c.status;
    }

    function _pending(uint256 id) private view returns (ClaimRecord storage c) {
        if (id == 0 || id > _claimCount) revert UnknownClaim(id);
        c = _claims[id];
        ClaimStatus status = _statusOf(c);
        if (status != ClaimStatus.Pending) revert ClaimNotPending(id, status);
    }

    function _requireGovernor(address account) private view {
        if (!CONSORTIUM.isGovernor(account)) revert NotGovernor(account);
    }

    // The member `account` acts for, which must hold MOBILE_OPERATOR.
    function _requireOperator(address account) private view returns (address member) {
        if (!CONSORTIUM.hasRole(account, Roles.MOBILE_OPERATOR)) revert NotAnOperator(account);
        return CONSORTIUM.memberOf(account);
    }

    // Whether the caller is `member` itself or an account bound to it with MOBILE_OPERATOR in its binding's scope: a
    // bound account outside that scope (e.g. a DID controller) only identifies the member and exercises none of this.
    function _actsFor(address member) private view returns (bool) {
        if (msg.sender == member) return true;
        return CONSORTIUM.memberOf(msg.sender) == member && CONSORTIUM.hasRole(msg.sender, Roles.MOBILE_OPERATOR);
    }

    // The network's holder, when the caller acts for it or is a governor.
    function _requireHolderOrGovernor(Plmn plmn) private view returns (address holder) {
        if (!plmn.isValid()) revert InvalidPlmn(plmn);
        holder = _networks[Plmn.unwrap(plmn)].operator;
        if (holder == address(0)) revert NetworkNotAssigned(plmn);
        if (!_actsFor(holder) && !CONSORTIUM.isGovernor(msg.sender)) {
            revert NotNetworkOperator(plmn, msg.sender, holder);
        }
    }

    function _requireRecipient(Plmn plmn, address to, address holder) private view {
        if (to == holder) revert TransferToHolder(plmn, to);
        // A recipient is a member's own address with the role, not an account bound to it.
        if (CONSORTIUM.memberOf(to) != to || !CONSORTIUM.hasRole(to, Roles.MOBILE_OPERATOR)) revert NotAnOperator(to);
    }

    // A code is claimable when valid, unassigned, and neither its 2-digit form nor any 3-digit extension is held.
    function _requireClaimable(Plmn plmn) private view {
        if (!plmn.isValid()) revert InvalidPlmn(plmn);
        address holder = _networks[Plmn.unwrap(plmn)].operator;
        if (holder != address(0)) revert NetworkAlreadyAssigned(plmn, holder);
        if (plmn.mncLength() == 3) {
            Plmn short = plmn.shortForm();
            holder = _networks[Plmn.unwrap(short)].operator;
            if (holder != address(0)) revert NetworkOverlaps(plmn, short, holder);
            return;
        }
        for (uint256 digit = 0; digit < 10; digit++) {
            Plmn longer = plmn.extend(digit);
            holder = _networks[Plmn.unwrap(longer)].operator;
            if (holder != address(0)) revert NetworkOverlaps(plmn, longer, holder);
        }
    }

    function _requireValidRanges(Plmn plmn, MsinRange[] calldata ranges) private pure {
        if (ranges.length > MAX_MSIN_RANGES) revert TooManyMsinRanges(ranges.length, MAX_MSIN_RANGES);
        uint64 maxMsin = uint64(10 ** plmn.msinLength() - 1);
        for (uint256 i = 0; i < ranges.length; i++) {
            MsinRange calldata r = ranges[i];
            bool afterPrevious = i == 0 || r.first > ranges[i - 1].last;
            if (r.first > r.last || r.last > maxMsin || !afterPrevious) revert InvalidMsinRange(i, r.first, r.last);
        }
    }
}
