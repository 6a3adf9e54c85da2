// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// An M-of-N settlement bank (see IBankMultisig).
import {ISettlementToken} from "../settlement/ISettlementToken.sol";
import {IBankMultisig} from "./IBankMultisig.sol";

contract BankMultisig is IBankMultisig {
    uint256 private constant MAX_SIGNERS = 16;

    ISettlementToken private immutable TOKEN;
    address[] private _signers;
    uint256 private _threshold;
    // Approvals count only for the signer set they were given under: a change of signers starts every count afresh.
    uint256 private _generation;
    mapping(address signer => bool) private _isSigner;
    mapping(bytes32 id => uint256) private _approvals;
    mapping(bytes32 id => bool) private _done;
    mapping(bytes32 id => mapping(address signer => bool)) private _approvedBy;

    constructor(ISettlementToken token_, address[] memory signers_, uint256 threshold_) {
        TOKEN = token_;
        _setSigners(signers_, threshold_);
    }

    /// @inheritdoc IBankMultisig
    function operationId(
        OperationKind kind,
        address member,
        uint256 amount,
        bytes32 bankRef,
        bytes32 signersHash
    ) public view returns (bytes32) {
        return
            keccak256(
                abi.encode(block.chainid, address(this), _generation, kind, member, amount, bankRef, signersHash)
            );
    }

    /// @inheritdoc IBankMultisig
    function approveMint(address member, uint256 amount, bytes32 bankRef) external returns (bytes32 id) {
        id = operationId(OperationKind.Mint, member, amount, bankRef, bytes32(0));
        if (_approve(id, OperationKind.Mint, member, amount, bankRef)) TOKEN.mintOnFiatReceipt(member, amount, bankRef);
    }

    /// @inheritdoc IBankMultisig
    function approveBurn(address member, uint256 amount, bytes32 bankRef) external returns (bytes32 id) {
        id = operationId(OperationKind.Burn, member, amount, bankRef, bytes32(0));
        if (_approve(id, OperationKind.Burn, member, amount, bankRef)) TOKEN.burnOnPayout(member, amount, bankRef);
    }

    /// @inheritdoc IBankMultisig
    function approveSigners(address[] calldata newSigners, uint256 newThreshold) external returns (bytes32 id) {
        bytes32 signersHash = keccak256(abi.encode(newSigners, newThreshold));
        id = operationId(OperationKind.SetSigners, address(0), newThreshold, bytes32(0), signersHash);
        if (_approve(id, OperationKind.SetSigners, address(0), newThreshold, signersHash)) {
            _setSigners(newSigners, newThreshold);
        }
    }

    function _approve(
        bytes32 id,
        OperationKind kind,
        address member,
        uint256 amount,
        bytes32 ref
    ) private returns (bool execute) {
        if (!_isSigner[msg.sender]) revert NotSigner(msg.sender);
        if (_done[id]) revert OperationDone(id);
        if (_approvedBy[id][msg.sender]) revert AlreadyApproved(id, msg.sender);
        if (_approvals[id] == 0) emit OperationProposed(id, kind, member, amount, ref);
        _approvedBy[id][msg.sender] = true;
        uint256 count = ++_approvals[id];
        emit OperationApproved(id, msg.sender, count);
        if (count < _threshold) return false;
        _done[id] = true;
        emit OperationExecuted(id);
        return true;
    }

    function _setSigners(address[] memory signers_, uint256 threshold_) private {
        if (signers_.length == 0 || signers_.length > MAX_SIGNERS) revert InvalidSigners("count");
        if (threshold_ == 0 || threshold_ > signers_.length) revert InvalidSigners("threshold");
        uint256 previous = _signers.length;
        for (uint256 i = 0; i < previous; i++) _isSigner[_signers[i]] = false;
        for (uint256 i = 0; i < signers_.length; i++) {
            if (signers_[i] == address(0) || _isSigner[signers_[i]]) revert InvalidSigners("duplicate or zero");
            _isSigner[signers_[i]] = true;
        }
        _signers = signers_;
        _threshold = threshold_;
        _generation += 1;
        emit SignersChanged(signers_, threshold_);
    }

    /// @inheritdoc IBankMultisig
    function signers() external view returns (address[] memory) {
        return _signers;
    }

    /// @inheritdoc IBankMultisig
    function threshold() external view returns (uint256) {
        return _threshold;
    }

    /// @inheritdoc IBankMultisig
    function approvals(bytes32 id) external view returns (uint256) {
        return _approvals[id];
    }

    /// @inheritdoc IBankMultisig
    function version() external pure returns (string memory) {
        return "1.0.0";
    }
}
