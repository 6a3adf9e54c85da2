// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Consumer credits issued by operators in reward batches and redeemed by their holders (see IContentCredits).
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {IContentCredits} from "./IContentCredits.sol";

contract ContentCredits is ERC20, IContentCredits {
    /// @notice The most accounts one reward batch may credit (bounds the call's gas).
    uint256 public constant MAX_BATCH = 500;

    IConsortiumRegistry private immutable CONSORTIUM;
    mapping(bytes32 batchId => bool) private _batches;
    mapping(address issuer => uint256 amount) private _issuedBy;
    uint256 private _redeemed;

    /// @param consortium_ Registry whose MOBILE_OPERATOR members issue credits.
    constructor(IConsortiumRegistry consortium_) ERC20("Consortium content credits", "CREDIT") {
        if (address(consortium_) == address(0)) revert InvalidCreditArgument("consortium");
        CONSORTIUM = consortium_;
    }

    /// @notice Credits are whole units.
    function decimals() public pure override returns (uint8) {
        return 0;
    }

    /// @inheritdoc IContentCredits
    function issueRewards(
        uint32 period,
        RewardKind kind,
        address[] calldata accounts,
        uint256[] calldata amounts,
        bytes32 recordsRoot
    ) external returns (bytes32 batchId) {
        if (!CONSORTIUM.hasRole(msg.sender, Roles.MOBILE_OPERATOR)) revert NotCreditIssuer(msg.sender);
        uint256 count = accounts.length;
        if (count == 0 || count > MAX_BATCH) revert InvalidCreditArgument("accounts");
        if (amounts.length != count) revert InvalidCreditArgument("amounts");
        if (period == 0) revert InvalidCreditArgument("period");
        if (recordsRoot == bytes32(0)) revert InvalidCreditArgument("recordsRoot");
        batchId = batchIdOf(msg.sender, period, kind, recordsRoot);
        if (_batches[batchId]) revert RewardBatchIssued(batchId);
        _batches[batchId] = true;
        uint256 total = 0;
        for (uint256 i = 0; i < count; ++i) {
            if (amounts[i] == 0) revert InvalidCreditArgument("amounts");
            total += amounts[i];
            _mint(accounts[i], amounts[i]);
        }
        _issuedBy[msg.sender] += total;
        emit RewardsIssued(batchId, msg.sender, period, kind, uint32(count), total, recordsRoot);
    }

    /// @inheritdoc IContentCredits
    function redeem(uint256 amount, bytes32 ref) external {
        if (amount == 0) revert InvalidCreditArgument("amount");
        uint256 balance = balanceOf(msg.sender);
        if (balance < amount) revert CreditsTooFew(msg.sender, balance, amount);
        _redeemed += amount;
        _burn(msg.sender, amount);
        emit CreditsRedeemed(msg.sender, amount, ref);
    }

    /// @inheritdoc IContentCredits
    function batchIdOf(
        address issuer,
        uint32 period,
        RewardKind kind,
        bytes32 recordsRoot
    ) public pure returns (bytes32) {
        return keccak256(abi.encode(issuer, period, kind, recordsRoot));
    }

    /// @inheritdoc IContentCredits
    function batchIssued(bytes32 batchId) external view returns (bool) {
        return _batches[batchId];
    }

    /// @inheritdoc IContentCredits
    function issuedBy(address issuer) external view returns (uint256) {
        return _issuedBy[issuer];
    }

    /// @inheritdoc IContentCredits
    function redeemed() external view returns (uint256) {
        return _redeemed;
    }

    /// @inheritdoc IContentCredits
    function version() external pure returns (string memory) {
        return "1.0.0";
    }
}
