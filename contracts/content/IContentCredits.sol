// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title IContentCredits
/// @notice Credits for consumers who consume or promote content: an ERC-20 (no decimals) that the consortium's
/// operators issue (members holding MOBILE_OPERATOR), so standard wallets show a user's credits. Credits are issued
/// only in reward batches: the operator's agent keeps the records behind a batch off chain (views, attention time,
/// survey answers, attributed promotions, bonuses; users only as salted references) and anchors their Merkle root
/// with the batch. A batch id derives from the issuer, the period, the kind and that root, so the same batch cannot
/// be issued twice. Holders spend credits by redeeming them (burnt, with the reference of what they paid for).
/// Every issuance stays attributed to its issuer (`issuedBy`), so each operator answers for the credits it created.
interface IContentCredits is IERC20 {
    /// @notice What a reward batch rewards: implicit rewards the operator observed (views, attention, survey
    /// answers), promotion by a consumer (an influencer's attributed deliveries), or an explicit bonus.
    enum RewardKind {
        View,
        Attention,
        Survey,
        Promotion,
        Bonus
    }

    /// @notice The caller does not hold the MOBILE_OPERATOR role, so it may not issue credits.
    error NotCreditIssuer(address caller);
    /// @notice This batch (same issuer, period, kind and records root) was issued already.
    error RewardBatchIssued(bytes32 batchId);
    /// @notice The holder has `balance` credits, fewer than the `wanted` redemption.
    error CreditsTooFew(address holder, uint256 balance, uint256 wanted);
    /// @notice A zero value, the zero address, mismatched arrays or a batch over MAX_BATCH; names the argument.
    error InvalidCreditArgument(string what);

    /// @notice `issuer` issued `total` credits to `recipients` accounts for `kind` rewards of `period`; the records
    /// behind them hash to `recordsRoot`. Each account's amount is in the ERC-20 Transfer from the zero address.
    event RewardsIssued(
        bytes32 indexed batchId,
        address indexed issuer,
        uint32 indexed period,
        RewardKind kind,
        uint32 recipients,
        uint256 total,
        bytes32 recordsRoot
    );
    /// @notice `holder` redeemed (burnt) `amount` credits for what `ref` names (e.g. a salted order reference).
    event CreditsRedeemed(address indexed holder, uint256 amount, bytes32 ref);

    /// @notice Issues a reward batch: `amounts[i]` credits to `accounts[i]`. Returns the batch id
    /// (`batchIdOf(caller, period, kind, recordsRoot)`).
    function issueRewards(
        uint32 period,
        RewardKind kind,
        address[] calldata accounts,
        uint256[] calldata amounts,
        bytes32 recordsRoot
    ) external returns (bytes32 batchId);

    /// @notice The caller redeems (burns) `amount` of its credits for what `ref` names.
    function redeem(uint256 amount, bytes32 ref) external;

    /// @notice The id a batch of `issuer` gets.
    function batchIdOf(
        address issuer,
        uint32 period,
        RewardKind kind,
        bytes32 recordsRoot
    ) external pure returns (bytes32);

    /// @notice Whether the batch was issued.
    function batchIssued(bytes32 batchId) external view returns (bool);

    /// @notice Credits `issuer` has issued in all.
    function issuedBy(address issuer) external view returns (uint256);

    /// @notice Credits redeemed in all (total supply = everything issued minus this).
    function redeemed() external view returns (uint256);

    /// @notice The contract's version, "1.0.0".
    function version() external pure returns (string memory);
}
