// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Governance decisions on the consortium's validators (see IValidatorSet): a change executes once a strict majority of
// the governors in office approved it; each member's agent then votes it into its own node.
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {GovernorApprovals} from "../roaming/GovernorApprovals.sol";
import {IValidatorSet} from "./IValidatorSet.sol";

contract ValidatorSet is IValidatorSet {
    using GovernorApprovals for GovernorApprovals.Set;

    /// @notice Shortest voting period a change may ask for, in seconds.
    uint64 public constant MIN_VOTING_PERIOD = 10 minutes;
    /// @notice Longest voting period a change may ask for, in seconds.
    uint64 public constant MAX_VOTING_PERIOD = 30 days;

    struct ChangeRecord {
        ChangeKind kind;
        ChangeStatus status;
        address signer;
        address operator;
        address proposer;
        uint64 deadline;
        GovernorApprovals.Set approvals;
    }

    IConsortiumRegistry private immutable CONSORTIUM;
    mapping(bytes32 id => ChangeRecord) private _changes;
    address[] private _validators;
    // Position in `_validators` plus one; 0 means "not a validator".
    mapping(address signer => uint256) private _slot;
    mapping(address signer => address operator) private _operators;

    constructor(IConsortiumRegistry consortium_) {
        if (address(consortium_) == address(0)) revert ZeroSigner();
        CONSORTIUM = consortium_;
    }

    modifier onlyGovernor() {
        if (!CONSORTIUM.isGovernor(msg.sender)) revert NotGovernor(msg.sender);
        _;
    }

    /// @inheritdoc IValidatorSet
    function changeIdOf(
        address proposer,
        ChangeKind kind,
        address signer,
        address operator,
        bytes32 salt
    ) public view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), proposer, kind, signer, operator, salt));
    }

    /// @inheritdoc IValidatorSet
    function proposeChange(
        ChangeKind kind,
        address signer,
        address operator,
        uint64 votingPeriod,
        bytes32 salt
    ) external onlyGovernor returns (bytes32 id) {
        if (signer == address(0)) revert ZeroSigner();
        if (votingPeriod < MIN_VOTING_PERIOD || votingPeriod > MAX_VOTING_PERIOD)
            revert VotingPeriodOutOfRange(votingPeriod, MIN_VOTING_PERIOD, MAX_VOTING_PERIOD);
        if (kind == ChangeKind.Add) {
            if (_slot[signer] != 0) revert AlreadyValidator(signer);
            if (!CONSORTIUM.isMember(operator)) revert OperatorNotMember(operator);
        }
        id = changeIdOf(msg.sender, kind, signer, operator, salt);
        ChangeRecord storage record = _changes[id];
        if (record.status != ChangeStatus.None) revert ChangeIdTaken(id);
        record.kind = kind;
        record.status = ChangeStatus.Pending;
        record.signer = signer;
        record.operator = operator;
        record.proposer = msg.sender;
        // solhint-disable-next-line not-rely-on-time
        record.deadline = uint64(block.timestamp) + votingPeriod;
        emit ValidatorChangeProposed(id, kind, signer, operator, msg.sender, record.deadline);
        _approve(id, record);
    }

    /// @inheritdoc IValidatorSet
    function approveChange(bytes32 id) external onlyGovernor {
        ChangeRecord storage record = _pending(id);
        _approve(id, record);
    }

    /// @inheritdoc IValidatorSet
    function cancelChange(bytes32 id) external {
        ChangeRecord storage record = _pending(id);
        if (record.proposer != msg.sender) revert NotProposer(id, msg.sender);
        record.status = ChangeStatus.Canceled;
        emit ValidatorChangeCanceled(id);
    }

    /// @inheritdoc IValidatorSet
    function change(bytes32 id) external view returns (Change memory) {
        ChangeRecord storage record = _changes[id];
        return
            Change({
                kind: record.kind,
                status: _statusOf(record),
                signer: record.signer,
                operator: record.operator,
                proposer: record.proposer,
                deadline: record.deadline,
                approvals: record.approvals.current(CONSORTIUM)
            });
    }

    /// @inheritdoc IValidatorSet
    function hasApproved(bytes32 id, address governor) external view returns (bool) {
        return _changes[id].approvals.contains(governor);
    }

    /// @inheritdoc IValidatorSet
    function getValidators() external view returns (address[] memory) {
        return _validators;
    }

    /// @inheritdoc IValidatorSet
    function operatorOf(address signer) external view returns (address) {
        return _operators[signer];
    }

    /// @inheritdoc IValidatorSet
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    function _pending(bytes32 id) private view returns (ChangeRecord storage record) {
        record = _changes[id];
        ChangeStatus status = _statusOf(record);
        if (status == ChangeStatus.None) revert UnknownChange(id);
        if (status != ChangeStatus.Pending) revert ChangeNotPending(id, status);
    }

    function _statusOf(ChangeRecord storage record) private view returns (ChangeStatus) {
        // solhint-disable-next-line not-rely-on-time
        if (record.status == ChangeStatus.Pending && block.timestamp > record.deadline) return ChangeStatus.Expired;
        return record.status;
    }

    function _approve(bytes32 id, ChangeRecord storage record) private {
        if (!record.approvals.add(msg.sender)) revert AlreadyApproved(id, msg.sender);
        uint256 approvals = record.approvals.current(CONSORTIUM);
        emit ValidatorChangeApproved(id, msg.sender, approvals);
        if (GovernorApprovals.isMajority(approvals, CONSORTIUM.governorCount())) _execute(id, record);
    }

    function _execute(bytes32 id, ChangeRecord storage record) private {
        record.status = ChangeStatus.Executed;
        address signer = record.signer;
        if (record.kind == ChangeKind.Add) {
            // Re-checked at execution: another change may have added the signer while this one waited.
            if (_slot[signer] != 0) revert AlreadyValidator(signer);
            _validators.push(signer);
            _slot[signer] = _validators.length;
            _operators[signer] = record.operator;
            emit ValidatorAdded(id, signer, record.operator);
            return;
        }
        address operator = _operators[signer];
        uint256 slot = _slot[signer];
        if (slot != 0) {
            address last = _validators[_validators.length - 1];
            _validators[slot - 1] = last;
            _slot[last] = slot;
            _validators.pop();
            delete _slot[signer];
            delete _operators[signer];
        }
        // A genesis signer governance never added is removed all the same: the engine holds it until the votes land.
        emit ValidatorRemoved(id, signer, operator == address(0) ? record.operator : operator);
    }
}
